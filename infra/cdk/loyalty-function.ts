import type { RemovalPolicy } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { TableAccess } from '../topology-types';

/**
 * Every function's defaults in one place: Node.js 22 on arm64, its bundle (built with the shared settings of
 * infra/bundling.ts, for every function in one esbuild run: prebuilt-bundles.ts), JSON logs into a log group with
 * retention, X-Ray tracing, Powertools settings. `bindTable` sets the table's env var and its grant together.
 */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export interface LoyaltyFunctionProps {
  readonly name: string;
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The directory holding the function's bundle as `index.mjs` (prebuiltBundles). */
  readonly bundleDir: string;
}

export class LoyaltyFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: LoyaltyFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      code: Code.fromAsset(props.bundleDir),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      // Lambda's own START/END/REPORT lines (~300 bytes each, every invocation) are billed log bytes that duplicate
      // the metrics; at WARN only its warnings and errors (timeouts, crashes) are kept.
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_METRICS_NAMESPACE: 'LoyaltyLoop',
        LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
  }

  /**
   * Grants exactly the declared access — on the table and on each of its declared indexes by name, never
   * `index/*` — and sets the table's environment variable, in one call.
   */
  bindTable(table: ITableV2, envVar: string, access: TableAccess, indexNames: readonly string[]): void {
    this.addEnvironment(envVar, table.tableName);
    const actions = access === 'readWrite' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS;
    this.addToRolePolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
    if (indexNames.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexNames.map((index) => `${table.tableArn}/index/${index}`) }),
      );
    }
  }
}
