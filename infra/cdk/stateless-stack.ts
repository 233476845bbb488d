import { CfnOutput, Duration, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnStage, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnAuthorizer, CorsHttpMethod, HttpApi, type CorsPreflightOptions, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Schedule, ScheduleExpression, ScheduleTargetInput, ContextAttribute } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { functionEnvironment, invokedFunctionNames } from '../environment';
import { API_KEY_AUTHORIZER_CACHE_SECONDS, APP_NAME, CORS, tableOf, type AppTopology, type FunctionName } from '../topology';
import { authorizerKindFor, type Access } from '../topology-types';
import { join } from 'node:path';
import { ConsoleHosting, consoleSignInClient, regionalExecuteApiSource } from './console-hosting';
import { asyncInvokeSettings } from './derived';
import { LoyaltyFunction } from './loyalty-function';
import { prebuiltBundles } from './prebuilt-bundles';
import { pascal, type StatefulStack } from './stateful-stack';
import type { StageConfig } from './stage-config';

/**
 * Functions, the HTTP API, rules, stream mappings, schedules and alarms — all generated from the topology. Each
 * service's functions (with their roles, log groups, alarms, permissions and event source mappings) live in a nested
 * stack of their own: one CloudFormation stack holds at most 500 resources, and a function brings about seven. The
 * API, its routes and authorizers, the rules and the schedules stay here. `npx cdk deploy` deploys them all as one.
 */
export interface StatelessStackProps extends StackProps {
  readonly topology: AppTopology;
  readonly config: StageConfig;
  readonly stateful: StatefulStack;
  readonly repositoryRoot: string;
  /** The console's build output (default <repositoryRoot>/console/dist); the synth fails when it is missing. */
  readonly consoleDist?: string;
}

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  /** The API without a CORS configuration serving the openCors routes (absent when no route is open). */
  readonly openApi: HttpApi | undefined;
  /** The marketer console: bucket, distribution and headers policy. */
  readonly console: ConsoleHosting;
  readonly functions: Record<FunctionName, LoyaltyFunction>;
  /** The nested stack holding each service's functions. */
  readonly serviceStacks: ReadonlyMap<string, NestedStack>;
  private readonly importedQueues = new Map<FunctionName, IQueue>();
  /** The token audiences the API accepts: the API's app client, and the console's when the user pool is ours. */
  private readonly jwtAudiences: string[];
  /** The console's hosted sign-in (absent with another OIDC provider). */
  readonly consoleSignIn?: { domain: string; clientId: string };

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { topology, config, stateful } = props;

    const serviceStacks = new Map<string, NestedStack>();
    const serviceStack = (service: string) => {
      let nested = serviceStacks.get(service);
      if (!nested) {
        nested = new NestedStack(this, `${pascal(service)}Functions`, { description: `Loyalty Loop ${service} functions` });
        serviceStacks.set(service, nested);
      }
      return nested;
    };
    this.serviceStacks = serviceStacks;

    const skipBundling = ((this.node.tryGetContext('aws:cdk:bundling-stacks') as unknown[] | undefined) ?? ['**']).length === 0;
    const bundles = prebuiltBundles(props.repositoryRoot, Object.values(topology.functions), skipBundling);
    this.functions = Object.fromEntries(
      Object.values(topology.functions).map((declaration) => {
        const name = declaration.name;
        const scope = serviceStack(declaration.service);
        const fn = new LoyaltyFunction(scope, `${pascal(name)}Function`, {
          name,
          entry: declaration.entry,
          description: declaration.description,
          memoryMb: declaration.memoryMb,
          timeoutSeconds: declaration.timeoutSeconds,
          environment: {
            ...functionEnvironment(name, { stage: config.stage, busName: stateful.bus.eventBusName, tokens: stateful.tokenIssuer }),
            MARKETER_GROUP: config.marketerGroup,
          },
          logRetention: config.logRetention,
          removalPolicy: config.removalPolicy,
          bundleDir: bundles.get(name) as string,
        });
        for (const [table, access] of Object.entries(declaration.tables)) {
          const tableDeclaration = tableOf(table);
          fn.bindTable(stateful.table(table), tableDeclaration.envVar, access, (tableDeclaration.indexes ?? []).map((index) => index.name));
        }
        if (declaration.publishesEvents) stateful.bus.grantPutEventsTo(fn);
        new Alarm(scope, `${pascal(name)}ErrorsAlarm`, {
          alarmName: `${APP_NAME}-${config.stage}-${name}-errors`,
          alarmDescription: `${name} reported errors (see its log group)`,
          metric: fn.metricErrors({ period: Duration.minutes(5) }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }).addAlarmAction(new SnsAction(stateful.alarmTopic));
        return [name, fn];
      }),
    ) as Record<FunctionName, LoyaltyFunction>;
    // Synchronous invocations between functions (the privacy export asks every service's exporter): the caller learns
    // the callee's name from its environment and may invoke exactly those functions.
    for (const declaration of Object.values(topology.functions)) {
      const caller = this.fn(declaration.name);
      for (const target of declaration.invokes) this.fn(target).grantInvoke(caller);
      const names = invokedFunctionNames(declaration.name, (target) => this.fn(target).functionName);
      if (names) caller.addEnvironment(names.variable, names.value);
    }

    // The console is built before the API, whose CORS allow-list holds the console's origin. Its CSP therefore cannot
    // name the API by its generated id (API → distribution → headers policy → API would be a cycle CloudFormation
    // refuses): connect-src allows this region's execute-api hosts. script-src stays 'self' only.
    this.console = new ConsoleHosting(this, 'Console', {
      appName: APP_NAME,
      stage: config.stage,
      removalPolicy: config.removalPolicy,
      consoleDist: props.consoleDist ?? join(props.repositoryRoot, 'console', 'dist'),
      connectSources: [regionalExecuteApiSource()],
      ...(config.consoleDomain ? { domain: config.consoleDomain } : {}),
    });
    // Marketers sign in to the console through the user pool's hosted sign-in (authorization code + PKCE) with an app
    // client of its own, whose callback is the console's address; the API accepts its ID tokens beside the API client's.
    // With another OIDC provider (-c jwtIssuer) there is no pool: config.json is then the deployer's to write.
    if (stateful.userPool && stateful.hostedSignInUrl) {
      const signInClient = consoleSignInClient(this, stateful.userPool, `${APP_NAME}-${config.stage}-console`, this.console.origin);
      this.jwtAudiences = [stateful.tokenIssuer.audience, signInClient.userPoolClientId];
      for (const [name, fn] of Object.entries(this.functions)) {
        if (topology.functions[name as FunctionName]?.verifiesTokens) fn.addEnvironment('JWT_AUDIENCE', this.jwtAudiences.join(','));
      }
      this.consoleSignIn = { domain: stateful.hostedSignInUrl, clientId: signInClient.userPoolClientId };
    } else {
      this.jwtAudiences = [stateful.tokenIssuer.audience];
    }
    ({ api: this.api, openApi: this.openApi } = this.buildApi(topology, config, stateful, this.console.origin));
    if (this.consoleSignIn) {
      this.console.deployConfig({
        apiBaseUrl: this.api.apiEndpoint,
        signIn: { kind: 'cognito', ...this.consoleSignIn, redirectUri: `${this.console.origin}/`, logoutUri: `${this.console.origin}/` },
      });
    }
    this.buildSubscriptions(topology, config, stateful);
    this.buildStreams(topology, stateful);
    this.buildSchedules(topology, config, stateful);
  }

  /** The function built for a topology name (the composition guarantees it exists). */
  fn(name: FunctionName): LoyaltyFunction {
    const fn = this.functions[name];
    if (!fn) throw new Error(`No function ${name} in the topology`);
    return fn;
  }

  /**
   * An HTTP API with the platform's hardening: unmatched requests reach the fallback (problem+json 404/405), JSON access
   * logs in a log group of its own, default route throttling from the stage config, and its URL as a stack output.
   */
  private hardenedApi(
    topology: AppTopology,
    config: StageConfig,
    ids: { api: string; accessLogs: string; output: string },
    props: { apiName: string; description: string; corsPreflight?: CorsPreflightOptions },
  ): HttpApi {
    const api = new HttpApi(this, ids.api, {
      apiName: props.apiName,
      description: props.description,
      // Unmatched requests reach the fallback, which answers problem+json 404/405.
      defaultIntegration: this.integration(topology.fallbackFunction),
      ...(props.corsPreflight ? { corsPreflight: props.corsPreflight } : {}),
    });
    const accessLogs = new LogGroup(this, ids.accessLogs, { retention: config.logRetention, removalPolicy: config.removalPolicy });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        httpMethod: '$context.httpMethod',
        routeKey: '$context.routeKey',
        status: '$context.status',
        protocol: '$context.protocol',
        responseLength: '$context.responseLength',
        integrationLatency: '$context.integrationLatency',
        authorizerError: '$context.authorizer.error',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: config.throttling.rateLimit, throttlingBurstLimit: config.throttling.burstLimit };
    new CfnOutput(this, ids.output, { value: api.apiEndpoint, description: `${props.description}: base URL` });
    return api;
  }

  private integration(name: FunctionName): HttpLambdaIntegration {
    return new HttpLambdaIntegration(`${pascal(name)}Integration`, this.fn(name));
  }

  private buildApi(topology: AppTopology, config: StageConfig, stateful: StatefulStack, consoleOrigin: string): { api: HttpApi; openApi: HttpApi | undefined } {
    const corsOrigins = [...config.corsOrigins, consoleOrigin];
    const api = this.hardenedApi(
      topology,
      config,
      { api: 'HttpApi', accessLogs: 'ApiAccessLogs', output: 'ApiUrl' },
      {
        apiName: `${APP_NAME}-${config.stage}`,
        description: 'Loyalty Loop public API',
        // The storefronts' origins (corsOrigins) and the console's.
        corsPreflight: {
          allowOrigins: corsOrigins,
          allowHeaders: [...CORS.allowHeaders],
          allowMethods: CORS.allowMethods.map((method) => CorsHttpMethod[method]),
          exposeHeaders: [...CORS.exposeHeaders],
          maxAge: Duration.seconds(CORS.maxAgeSeconds),
        },
      },
    );
    // Routes any origin may read (openCors: the wall and its widget) are on a second API without a CORS configuration:
    // on an API with one, API Gateway ignores the CORS headers integrations return, so their `*` would never arrive.
    const openRoutes = topology.routes.filter((route) => route.openCors);
    const openApi =
      openRoutes.length > 0
        ? this.hardenedApi(
            topology,
            config,
            { api: 'OpenHttpApi', accessLogs: 'OpenApiAccessLogs', output: 'OpenApiUrl' },
            { apiName: `${APP_NAME}-${config.stage}-open`, description: 'Loyalty Loop open API (public GET routes any origin may read)' },
          )
        : undefined;

    const authorizerFunction = this.fn(topology.apiKeyAuthorizerFunction);
    const authorizers: Record<'apiKey' | 'credentials' | 'jwt', IHttpRouteAuthorizer> = {
      apiKey: new HttpLambdaAuthorizer('ApiKeyAuthorizer', authorizerFunction, {
        authorizerName: 'storefront-api-key',
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.x-api-key'],
        resultsCacheTtl: Duration.seconds(API_KEY_AUTHORIZER_CACHE_SECONDS),
      }),
      credentials: new HttpLambdaAuthorizer('CredentialsAuthorizer', authorizerFunction, {
        authorizerName: 'storefront-or-token',
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: [],
        resultsCacheTtl: Duration.seconds(0),
      }),
      jwt: new HttpJwtAuthorizer('JwtAuthorizer', stateful.tokenIssuer.issuer, {
        authorizerName: 'customer-or-marketer-token',
        jwtAudience: this.jwtAudiences,
      }),
    };
    for (const route of topology.routes) {
      const kind = authorizerKindFor(route.access as readonly Access[]);
      (route.openCors && openApi ? openApi : api).addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: this.integration(route.function),
        ...(kind === 'none' ? {} : { authorizer: authorizers[kind] }),
      });
    }
    // With caching off, the shared authorizer takes no identity source: omit the property rather than send [].
    for (const child of api.node.findAll()) {
      if (child instanceof CfnAuthorizer && child.name === 'storefront-or-token') child.addPropertyDeletionOverride('IdentitySource');
    }
    return { api, openApi };
  }

  private buildSubscriptions(topology: AppTopology, config: StageConfig, stateful: StatefulStack): void {
    const configured = new Set<FunctionName>();
    for (const subscription of topology.subscriptions) {
      const fn = this.fn(subscription.function);
      const deadLetterQueue = this.deadLetterQueue(stateful, subscription.function);
      new Rule(this, `${pascal(subscription.name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()))}Rule`, {
        ruleName: `${APP_NAME}-${config.stage}-${subscription.name}`,
        description: `${subscription.event.detailType} v${subscription.event.version} → ${subscription.function}`,
        eventBus: stateful.bus,
        eventPattern: subscription.event.pattern,
        // Layer 1: delivering to Lambda (throttling, permissions). Layer 2 (function errors) is the async config.
        targets: [new LambdaTarget(fn, { retryAttempts: 185, maxEventAge: Duration.hours(24), deadLetterQueue })],
      });
      if (!configured.has(subscription.function)) {
        const settings = asyncInvokeSettings(topology, subscription.function);
        if (settings) {
          fn.configureAsyncInvoke({
            retryAttempts: settings.retryAttempts,
            maxEventAge: Duration.seconds(settings.maxEventAgeSeconds),
            onFailure: new SqsDestination(deadLetterQueue),
          });
        }
        configured.add(subscription.function);
      }
    }
  }

  private buildStreams(topology: AppTopology, stateful: StatefulStack): void {
    for (const mapping of topology.streams) {
      const deadLetterQueue = this.deadLetterQueue(stateful, mapping.function);
      this.fn(mapping.function).addEventSource(
        new DynamoEventSource(stateful.table(mapping.table), {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: mapping.batchSize,
          retryAttempts: mapping.maxRetryAttempts,
          reportBatchItemFailures: true,
          filters: (mapping.filterPatterns ?? []).map((pattern) => FilterCriteria.filter({ ...pattern })),
          bisectBatchOnError: false,
          onFailure: new SqsDlq(deadLetterQueue),
        }),
      );
    }
  }

  /**
   * The stateful stack's queue, referenced by attributes: targets then cannot add a queue policy that points
   * back at this stack's rules (a dependency cycle); the stateful stack grants EventBridge by rule-name pattern.
   */
  private deadLetterQueue(stateful: StatefulStack, owner: FunctionName): IQueue {
    let queue = this.importedQueues.get(owner);
    if (!queue) {
      const source = stateful.deadLetterQueues.get(owner);
      if (!source) throw new Error(`No dead-letter queue for ${owner}`);
      queue = Queue.fromQueueAttributes(this, `${pascal(owner)}DeadLetterQueue`, {
        queueArn: source.queueArn,
        queueUrl: source.queueUrl,
        queueName: source.queueName,
      });
      this.importedQueues.set(owner, queue);
    }
    return queue;
  }

  private buildSchedules(topology: AppTopology, config: StageConfig, stateful: StatefulStack): void {
    for (const schedule of topology.schedules as readonly { name: string; function: FunctionName; expression: string; description: string }[]) {
      new Schedule(this, `${pascal(schedule.name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()))}Schedule`, {
        scheduleName: `${APP_NAME}-${config.stage}-${schedule.name}`,
        description: schedule.description,
        schedule: ScheduleExpression.expression(schedule.expression),
        target: new LambdaInvoke(this.fn(schedule.function), {
          input: ScheduleTargetInput.fromObject({ schedule: schedule.name, scheduledTime: ContextAttribute.scheduledTime }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.deadLetterQueue(stateful, schedule.function),
        }),
      });
    }
  }
}
