import { ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { UserPool, UserPoolClient, CfnUserPoolGroup, AccountRecovery, FeaturePlan, Mfa } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { APP_NAME, eventBusName, physicalTableName, type AppTopology, type FunctionName, type TableName } from '../topology';
import type { StageConfig } from './stage-config';
import { deadLetterQueueOwners } from './derived';

/**
 * Everything that holds data: tables, the event bus and its archive, dead-letter queues, the user pool, and
 * the alarm topic. Kept apart from functions and the API so a code deploy can never endanger data.
 */
export interface StatefulStackProps extends StackProps {
  readonly topology: AppTopology;
  readonly config: StageConfig;
}

export class StatefulStack extends Stack {
  readonly tables: Record<TableName, TableV2>;
  readonly bus: EventBus;
  readonly deadLetterQueues: ReadonlyMap<FunctionName, Queue>;
  readonly alarmTopic: Topic;
  readonly tokenIssuer: { issuer: string; audience: string; jwksUrl: string };
  readonly userPool?: UserPool;
  /** The user pool's hosted sign-in (https://<prefix>.auth.<region>.amazoncognito.com), where the console sends marketers. */
  readonly hostedSignInUrl?: string;

  /** The table built for a topology name (the composition guarantees it exists). */
  table(name: TableName): TableV2 {
    const table = this.tables[name];
    if (!table) throw new Error(`No table ${name} in the topology`);
    return table;
  }

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { topology, config } = props;

    this.tables = Object.fromEntries(
      Object.entries(topology.tables).map(([name, declaration]) => {
        const attribute = (key: { name: string; type: 'S' | 'N' }) => ({ name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });
        const table = new TableV2(this, `${pascal(name)}Table`, {
          tableName: physicalTableName(config.stage, name),
          partitionKey: attribute(declaration.partitionKey),
          ...(declaration.sortKey ? { sortKey: attribute(declaration.sortKey) } : {}),
          globalSecondaryIndexes: (declaration.indexes ?? []).map((index) => ({
            indexName: index.name,
            partitionKey: attribute(index.partitionKey),
            ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
            ...(index.projection === 'keys'
              ? { projectionType: ProjectionType.KEYS_ONLY }
              : index.projection
                ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.include] }
                : {}),
          })),
          billing: Billing.onDemand(),
          encryption: TableEncryptionV2.awsManagedKey(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: config.isProduction,
          removalPolicy: config.removalPolicy,
          ...(declaration.stream ? { dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES } : {}),
          ...(declaration.timeToLiveAttribute ? { timeToLiveAttribute: declaration.timeToLiveAttribute } : {}),
        });
        return [name, table];
      }),
    ) as Record<TableName, TableV2>;

    this.bus = new EventBus(this, 'EventBus', { eventBusName: eventBusName(config.stage) });
    this.bus.applyRemovalPolicy(config.removalPolicy);
    this.bus.archive('EventArchive', {
      archiveName: `${APP_NAME}-${config.stage}-events`,
      description: 'Every event on the bus, for replay after an incident',
      eventPattern: { account: [this.account] },
      retention: config.isProduction ? Duration.days(365) : Duration.days(30),
    });

    this.alarmTopic = new Topic(this, 'AlarmTopic', { topicName: `${APP_NAME}-${config.stage}-alarms`, enforceSSL: true });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    // One dead-letter queue per consumer: the rule target's DLQ (delivery failures), the function's async
    // on-failure destination (errors after retries) and the stream mapping's on-failure destination.
    const queues = new Map<FunctionName, Queue>();
    for (const owner of deadLetterQueueOwners(topology)) {
      const queue = new Queue(this, `${pascal(owner)}DeadLetters`, {
        queueName: `${APP_NAME}-${config.stage}-${owner}-dlq`,
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: config.removalPolicy,
      });
      // Rules live in the stateless stack; their names are deterministic, so the policy is written here without
      // a cross-stack reference back (which would make the stacks depend on each other).
      queue.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowEventBridgeRuleDeadLetters',
          principals: [new ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: {
            ArnLike: {
              'aws:SourceArn': this.formatArn({
                service: 'events',
                resource: 'rule',
                resourceName: `${eventBusName(config.stage)}/*`,
                arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
      new Alarm(this, `${pascal(owner)}DeadLettersAlarm`, {
        alarmName: `${APP_NAME}-${config.stage}-${owner}-dead-letters`,
        alarmDescription: `Messages in ${owner}'s dead-letter queue: events that could not be processed (see README, Operating)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(this.alarmTopic));
      queues.set(owner, queue);
    }
    this.deadLetterQueues = queues;

    if (config.jwt) {
      this.tokenIssuer = config.jwt;
    } else {
      const userPool = new UserPool(this, 'UserPool', {
        userPoolName: `${APP_NAME}-${config.stage}`,
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        featurePlan: FeaturePlan.ESSENTIALS,
        mfa: Mfa.OPTIONAL,
        mfaSecondFactor: { otp: true, sms: false },
        deletionProtection: config.isProduction,
        removalPolicy: config.removalPolicy,
      });
      new CfnUserPoolGroup(this, 'MarketersGroup', {
        userPoolId: userPool.userPoolId,
        groupName: config.marketerGroup,
        description: 'Marketers: manage the program, rewards and customers',
      });
      const client = new UserPoolClient(this, 'UserPoolClient', {
        userPool,
        userPoolClientName: `${APP_NAME}-${config.stage}-api`,
        authFlows: { userSrp: true },
        generateSecret: false,
        preventUserExistenceErrors: true,
      });
      this.userPool = userPool;
      // The hosted sign-in the console's authorization-code + PKCE flow uses (the console's app client is in the
      // stateless stack, beside the distribution whose address is its callback URL).
      const hostedDomain = userPool.addDomain('HostedSignIn', { cognitoDomain: { domainPrefix: config.cognitoDomainPrefix } });
      this.hostedSignInUrl = hostedDomain.baseUrl();
      const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${userPool.userPoolId}`;
      this.tokenIssuer = { issuer, audience: client.userPoolClientId, jwksUrl: `${issuer}/.well-known/jwks.json` };
    }
  }
}

export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
