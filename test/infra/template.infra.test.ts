import { mkdtempSync as makeTempDir, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { buildApp } from '../../infra/cdk/app';

/** A stand-in for console/dist (what `npm run build:console` writes), so these tests need no console build. */
const CONSOLE_FIXTURE = join(process.cwd(), 'test/fixtures/console-dist');
import { pascal } from '../../infra/cdk/stateful-stack';
import { API_KEY_AUTHORIZER_CACHE_SECONDS, physicalTableName, tableOf, topology, type AppTopology, type TableName } from '../../infra/topology';
import { authorizerKindFor, routeKey, type Access } from '../../infra/topology-types';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import type { IndexDeclaration } from '../../shared/service/declarations';
import { OUTBOX_STREAM_FILTER } from '../../shared/events/outbox';
import { localFunctionEnvironment } from '../../infra/local/runtime';
import { tmpdir } from 'node:os';

/**
 * The synthesized CloudFormation has exactly the topology's tables, routes, rules, stream mappings and schedules,
 * and synthesis (with cdk-nag and the built-in template validation) passes offline.
 */
const outdirs: string[] = [];
function mkdtempSync(prefix: string): string {
  const dir = makeTempDir(prefix);
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const outdir = mkdtempSync(join(tmpdir(), 'loyalty-synth-'));
const { app, stateful, stateless } = buildApp({ consoleDist: CONSOLE_FIXTURE, outdir, context: { stage: 'test' } });
const assembly = app.synth();
const statefulTemplate = Template.fromStack(stateful);
const statelessTemplate = Template.fromStack(stateless);
/** Each service's functions are in a nested stack of the stateless stack (one stack holds at most 500 resources). */
const serviceTemplates = new Map([...stateless.serviceStacks].map(([service, nested]) => [service, Template.fromStack(nested)]));
const computeTemplates = [statelessTemplate, ...serviceTemplates.values()];
/** Resources of a type in the stateless stack and every service's nested stack. */
const computeResources = (type: string) => computeTemplates.flatMap((template) => resourcesOf(template, type));
/** A function's own resource as synthesized, from its service's nested stack. */
function functionResource(name: string): { Properties: { Environment?: { Variables?: Record<string, unknown> } } } {
  const fn = stateless.fn(name);
  const service = topology.functions[name]?.service as string;
  const template = serviceTemplates.get(service);
  if (!template) throw new Error(`no nested stack for ${service}`);
  return template.toJSON().Resources[Stack.of(fn).getLogicalId(fn.node.defaultChild as never)];
}

/**
 * The other stages and shapes below check template properties only: they skip asset bundling (CDK's
 * `aws:cdk:bundling-stacks`, as `cdk synth --exclusively` does), which would esbuild every function again per app —
 * the 'test' app above bundles all of them, and test/infra/bundles.infra.test.ts measures the bundles.
 */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** An API's logical id in the stateless stack (routes and stages name their API by it). */
const logicalIdOf = (api: HttpApi | undefined): string => {
  if (!api) throw new Error('no such API');
  return Stack.of(api).getLogicalId(api.node.defaultChild as never);
};

const resourcesOf = (template: Template, type: string) => Object.values(template.findResources(type)) as { Properties: Record<string, unknown> }[];

describe('synthesized template ↔ topology', () => {
  it('has exactly the declared tables, keyed, indexed, streamed and protected as declared', () => {
    const tables = resourcesOf(statefulTemplate, 'AWS::DynamoDB::GlobalTable');
    expect(tables.map((table) => table.Properties.TableName).sort()).toEqual(
      (Object.keys(topology.tables) as TableName[]).map((name) => physicalTableName('test', name)).sort(),
    );
    for (const name of Object.keys(topology.tables) as TableName[]) {
      const declaration = topology.tables[name] as AppTopology['tables'][TableName] & {
        indexes?: readonly { name: string }[];
        stream?: boolean;
        timeToLiveAttribute?: string;
      };
      const table = tables.find((candidate) => candidate.Properties.TableName === physicalTableName('test', name));
      const properties = (table?.Properties ?? {}) as Record<string, unknown>;
      expect((properties.KeySchema as { AttributeName: string }[]).map((key) => key.AttributeName)).toEqual(
        [declaration.partitionKey.name, ...(declaration.sortKey ? [declaration.sortKey.name] : [])],
      );
      expect(((properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]).map((index) => index.IndexName)).toEqual(
        (declaration.indexes ?? []).map((index) => index.name),
      );
      // Each index projects what its declaration says (issue 9: only what its queries read).
      expect(((properties.GlobalSecondaryIndexes ?? []) as { Projection: unknown }[]).map((index) => index.Projection)).toEqual(
        ((declaration.indexes ?? []) as readonly IndexDeclaration[]).map((index) =>
          index.projection === 'keys'
            ? { ProjectionType: 'KEYS_ONLY' }
            : index.projection
              ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.include] }
              : { ProjectionType: 'ALL' },
        ),
      );
      expect(Boolean(properties.StreamSpecification)).toBe(Boolean(declaration.stream));
      if (declaration.stream) expect(properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
      expect((properties.TimeToLiveSpecification as { AttributeName?: string } | undefined)?.AttributeName).toBe(declaration.timeToLiveAttribute);
      expect(properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(properties.SSESpecification).toMatchObject({ SSEEnabled: true });
      expect(JSON.stringify(properties.Replicas)).toContain('"PointInTimeRecoveryEnabled":true');
    }
  });

  it('has exactly the declared routes plus $default, each with the authorizer its access implies', () => {
    const routes = resourcesOf(statelessTemplate, 'AWS::ApiGatewayV2::Route');
    const authorizers = statelessTemplate.findResources('AWS::ApiGatewayV2::Authorizer');
    const authorizerKindById = new Map(
      Object.entries(authorizers).map(([logicalId, resource]) => {
        const properties = (resource as { Properties: Record<string, unknown> }).Properties;
        const kind = properties.AuthorizerType === 'JWT' ? 'jwt' : (properties.IdentitySource as string[] | undefined)?.length ? 'apiKey' : 'credentials';
        return [logicalId, kind];
      }),
    );
    const onApi = (api: HttpApi | undefined) =>
      routes
        .filter((route) => (route.Properties.ApiId as { Ref: string }).Ref === logicalIdOf(api))
        .map((route) => {
          const properties = route.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: { Ref: string } };
          return [properties.RouteKey, properties.AuthorizerId ? authorizerKindById.get(properties.AuthorizerId.Ref) : 'none'];
        })
        .sort();
    const expected = (open: boolean) =>
      [['$default', 'none'], ...topology.routes.filter((route) => route.openCors === open).map((route) => [routeKey(route), authorizerKindFor(route.access as readonly Access[])])].sort();
    // Routes any origin may read (openCors) on the open API, each with its own fallback; every other route on the main API.
    expect(onApi(stateless.api)).toEqual(expected(false));
    expect(onApi(stateless.openApi)).toEqual(expected(true));
    expect(onApi(stateless.openApi).map(([key]) => key)).toEqual(['$default', 'GET /l/{file}', 'GET /v1/walls/{wallId}', 'GET /w/{file}']);
    expect(routes).toHaveLength(expected(false).length + expected(true).length);
  });

  it('hardens the open API as the main one: JSON access logs, default throttling, its URL as an output', () => {
    const stages = statelessTemplate.findResources('AWS::ApiGatewayV2::Stage') as Record<string, { Properties: { ApiId: { Ref: string }; AccessLogSettings: { Format: string }; DefaultRouteSettings: unknown } }>;
    const stageOf = (api: HttpApi | undefined) => Object.values(stages).find((stage) => stage.Properties.ApiId.Ref === logicalIdOf(api))?.Properties;
    expect(Object.keys(stages)).toHaveLength(2);
    const main = stageOf(stateless.api);
    const open = stageOf(stateless.openApi);
    expect(open?.AccessLogSettings.Format).toBe(main?.AccessLogSettings.Format);
    expect(open?.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    expect(open?.DefaultRouteSettings).toEqual(main?.DefaultRouteSettings);
    const outputs = statelessTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.OpenApiUrl?.Value)).toContain(logicalIdOf(stateless.openApi));
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain(logicalIdOf(stateless.api));
  });

  it('configures the API-key authorizer with its identity source and cache TTL, and the shared one without cache', () => {
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.x-api-key'],
      AuthorizerResultTtlInSeconds: API_KEY_AUTHORIZER_CACHE_SECONDS,
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
    });
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: Match.absent(),
    });
  });

  it('has one rule per subscription with the contract\'s pattern, an explicit retry policy and a DLQ, and async settings on the target', () => {
    const rules = resourcesOf(statelessTemplate, 'AWS::Events::Rule');
    expect(rules.map((rule) => rule.Properties.Name).sort()).toEqual(topology.subscriptions.map((subscription) => `loyalty-loop-test-${subscription.name}`).sort());
    for (const subscription of topology.subscriptions) {
      const rule = rules.find((candidate) => candidate.Properties.Name === `loyalty-loop-test-${subscription.name}`);
      expect(rule?.Properties.EventPattern).toEqual(subscription.event.pattern);
      const [target] = rule?.Properties.Targets as { RetryPolicy: unknown; DeadLetterConfig: unknown }[];
      expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      expect(target?.DeadLetterConfig).toBeDefined();
    }
    const invokeConfigs = computeResources('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfigs.length).toBeGreaterThan(0);
    for (const config of invokeConfigs) {
      expect(config.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600, DestinationConfig: { OnFailure: { Destination: expect.anything() } } });
    }
  });

  it('maps each declared stream to its function with partial batch failures and an on-failure destination', () => {
    const mappings = computeResources('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(topology.streams.length);
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: topology.streams[0]?.maxRetryAttempts,
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
        // The relay is invoked only for records that carry an outbox event (issue 9.3).
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(OUTBOX_STREAM_FILTER) }] },
      });
    }
  });

  it('has exactly the declared schedules, each sending its name to its function', () => {
    const schedules = resourcesOf(statelessTemplate, 'AWS::Scheduler::Schedule').map((schedule) => schedule.Properties as { Name: string; ScheduleExpression: string; Target: { Input: string } });
    const declared = topology.schedules as readonly { name: string; expression: string }[];
    expect(schedules.map((schedule) => [schedule.Name, schedule.ScheduleExpression]).sort()).toEqual(
      declared.map((schedule) => [`loyalty-loop-test-${schedule.name}`, schedule.expression]).sort(),
    );
    for (const schedule of schedules) {
      expect(JSON.parse(schedule.Target.Input)).toEqual({ schedule: schedule.Name.replace('loyalty-loop-test-', ''), scheduledTime: '<aws.scheduler.scheduled-time>' });
    }
  });

  it('builds every function with the platform defaults: nodejs22.x on arm64, tracing, JSON logs, its own log group', () => {
    // The stateless stack's own functions are CDK's console custom resources only (the deployment copying console/dist,
    // and the bucket's auto-delete on non-production stages); ours are all in the service stacks.
    expect(Object.keys(statelessTemplate.findResources('AWS::Lambda::Function')).sort()).toEqual([
      expect.stringMatching(/^CustomCDKBucketDeployment/),
      expect.stringMatching(/^CustomS3AutoDeleteObjectsCustomResourceProviderHandler/),
    ]);
    const functions = [...serviceTemplates.values()].flatMap((template) => resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(Object.keys(topology.functions).length);
    // One nested stack per service with functions, each holding exactly that service's functions.
    for (const [service, template] of serviceTemplates) {
      expect([service, resourcesOf(template, 'AWS::Lambda::Function').length]).toEqual([service, Object.values(topology.functions).filter((fn) => fn.service === service).length]);
    }
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON', LogGroup: expect.anything(), SystemLogLevel: 'WARN' }),
      });
    }
    for (const group of computeResources('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('gives each function exactly the table variables of its declared tables', () => {
    for (const [name, declaration] of Object.entries(topology.functions)) {
      const env = (functionResource(name).Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      const tableVars = Object.keys(env).filter((key) => key.endsWith('_TABLE_NAME')).sort();
      const declared = Object.keys(declaration.tables)
        .map((table) => tableOf(table).envVar)
        .sort();
      expect([name, tableVars]).toEqual([name, declared]);
    }
  });

  it('gives each function the same application variables on AWS as in the local runtime', () => {
    // The local runtime adds only what Lambda itself provides (region, credentials, function name) and its endpoints.
    const localOnly = /^(AWS_|PATH$|HOME$|TMPDIR$|LANG$|TZ$|DYNAMODB_ENDPOINT$|EVENTBRIDGE_ENDPOINT$|LAMBDA_ENDPOINT$|VALIDATE_RESPONSES$|WEBHOOKS_ALLOW_LOOPBACK$|LOG_LEVEL$|POWERTOOLS_METRICS_NAMESPACE$)/;
    const cdkOnly = /^(NODE_OPTIONS|LOG_LEVEL|POWERTOOLS_METRICS_NAMESPACE|MARKETER_GROUP)$/;
    const tokens = { issuer: 'i', audience: 'a', jwksUrl: 'j' };
    for (const fn of Object.values(topology.functions)) {
      const cloud = Object.keys(functionResource(fn.name).Properties.Environment?.Variables ?? {}).filter((key) => !cdkOnly.test(key)).sort();
      const local = Object.keys(localFunctionEnvironment(fn.name, tokens, { dynamoDb: 'd', aws: 'a' })).filter((key) => !localOnly.test(key)).sort();
      expect([fn.name, cloud]).toEqual([fn.name, local]);
    }
  });

  it('lets the privacy export invoke exactly the services\' exporters, and no other function invoke anything', () => {
    // (EventBridge Scheduler's own target roles invoke the scheduled functions; they are not functions' roles.)
    const policies = computeResources('AWS::IAM::Policy').filter(
      (policy) => JSON.stringify(policy.Properties).includes('lambda:InvokeFunction') && !String(policy.Properties.PolicyName).startsWith('SchedulerRoleForTarget'),
    );
    expect(policies).toHaveLength(1);
    const exporter = stateless.fn(topology.privacyExportFunction);
    expect(JSON.stringify(policies[0]?.Properties)).toContain(Stack.of(exporter).getLogicalId(exporter.role?.node.defaultChild as never));
    // The exporters live in their services' nested stacks: their ARNs reach the policy as references naming them.
    const invoked = JSON.stringify(policies[0]?.Properties);
    for (const duty of topology.privacy) expect([duty.export, invoked.includes(`${pascal(duty.export)}Function`)]).toEqual([duty.export, true]);
  });

  it('grants each function only its declared tables, and publishing only to the relay', () => {
    const policies = computeResources('AWS::IAM::Policy').map((policy) => JSON.stringify(policy.Properties));
    const mentioning = (text: string) => policies.filter((policy) => policy.includes(text)).length;
    expect(mentioning('events:PutEvents')).toBe(1);
    expect(policies.some((policy) => policy.includes('index/*'))).toBe(false);
    expect(mentioning('dynamodb:PutItem')).toBe(
      Object.values(topology.functions).filter((fn) => Object.values((fn as { tables?: Record<string, string> }).tables ?? {}).includes('readWrite')).length,
    );
  });

  it('keeps tables and queues in the stateful stack only, with an archive on the bus', () => {
    expect(Object.keys(statelessTemplate.findResources('AWS::DynamoDB::GlobalTable'))).toHaveLength(0);
    expect(Object.keys(statelessTemplate.findResources('AWS::SQS::Queue'))).toHaveLength(0);
    statefulTemplate.resourceCountIs('AWS::Events::Archive', 1);
    statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' })]) },
    });
  });

  it('passes cdk-nag (AwsSolutions and Serverless) with every acknowledgement carrying a reason', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.map((plugin) => [plugin.pluginName, plugin.conclusion, plugin.violations.length])).toEqual([
      ['AwsSolutions', 'success', 0],
      ['Serverless', 'success', 0],
    ]);
    const metadata = JSON.stringify(assembly.manifest.artifacts);
    expect(metadata).not.toContain('"reason":""');
  });
});

describe('production stage', () => {
  it('retains and protects data', () => {
    const prod = buildApp({ consoleDist: CONSOLE_FIXTURE, outdir: mkdtempSync(join(tmpdir(), 'loyalty-synth-prod-')), context: { stage: 'prod', ...NO_BUNDLING } });
    const template = Template.fromStack(prod.stateful);
    for (const [, table] of Object.entries(template.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect((table as { DeletionPolicy: string }).DeletionPolicy).toBe('Retain');
      expect(JSON.stringify(table)).toContain('"DeletionProtectionEnabled":true');
    }
  });

  it('uses an external OIDC issuer instead of the user pool when configured', () => {
    const external = buildApp({ consoleDist: CONSOLE_FIXTURE,
      outdir: mkdtempSync(join(tmpdir(), 'loyalty-synth-oidc-')),
      context: { stage: 'ext', jwtIssuer: 'https://id.example.com', jwtAudience: 'loyalty', ...NO_BUNDLING },
    });
    Template.fromStack(external.stateful).resourceCountIs('AWS::Cognito::UserPool', 0);
    // The functions (in their services' nested stacks) verify tokens against the external issuer's keys.
    const compute = [external.stateless, ...external.stateless.serviceStacks.values()].map((stack) => JSON.stringify(Template.fromStack(stack).toJSON())).join('\n');
    expect(compute).toContain('https://id.example.com/.well-known/jwks.json');
  });
});

describe('CORS', () => {
  it("is configured on the HTTP API for the console's origin and the given origins, and never on the open API", () => {
    // Without corsOrigins: the console distribution's origin alone.
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'loyalty-loop-test',
      CorsConfiguration: { AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsoleDistribution'), 'DomainName'] }]] }] },
    });
    const withCors = buildApp({ consoleDist: CONSOLE_FIXTURE, outdir: mkdtempSync(join(tmpdir(), 'loyalty-synth-cors-')), context: { stage: 'cors', corsOrigins: 'https://shop.example.com', ...NO_BUNDLING } });
    const template = Template.fromStack(withCors.stateless);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'loyalty-loop-cors',
      CorsConfiguration: { AllowOrigins: ['https://shop.example.com', Match.objectLike({ 'Fn::Join': Match.anyValue() })], AllowHeaders: Match.arrayWith(['x-api-key', 'idempotency-key']), MaxAge: 600 },
    });
    // API Gateway ignores an integration's CORS headers on an API with a CORS configuration: the open API has none,
    // so the wall's and the widget's `access-control-allow-origin: *` reaches every origin.
    const apis = template.findResources('AWS::ApiGatewayV2::Api') as Record<string, { Properties: Record<string, unknown> }>;
    expect(Object.keys(apis).sort()).toEqual([logicalIdOf(withCors.stateless.api), logicalIdOf(withCors.stateless.openApi)].sort());
    const open = apis[logicalIdOf(withCors.stateless.openApi)]?.Properties;
    expect(open?.Name).toBe('loyalty-loop-cors-open');
    expect(open?.CorsConfiguration).toBeUndefined();
    expect(() => buildApp({ consoleDist: CONSOLE_FIXTURE, outdir: mkdtempSync(join(tmpdir(), 'loyalty-synth-cors-bad-')), context: { stage: 'corsbad', corsOrigins: 'not a url', ...NO_BUNDLING } })).toThrow(/CORS origin/);
  });
});

describe('topology shapes the CDK app', () => {
  it('synthesizes JWT-only routes and schedules when a topology declares them', () => {
    const extended = {
      ...topology,
      routes: [...topology.routes, { method: 'GET', path: '/v1/marketing/report', function: 'health', access: ['marketer'] }],
      schedules: [{ name: 'nightly-check', function: 'trackCustomerActivity', expression: 'cron(0 3 * * ? *)', description: 'test schedule' }],
      subscriptions: [...topology.subscriptions],
    } as unknown as AppTopology;
    const built = buildApp({ consoleDist: CONSOLE_FIXTURE, outdir: mkdtempSync(join(tmpdir(), 'loyalty-synth-ext-')), context: { stage: 'shape', ...NO_BUNDLING }, topology: extended });
    const template = Template.fromStack(built.stateless);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'loyalty-loop-shape-nightly-check',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      Target: Match.objectLike({ Input: Match.stringLikeRegexp('scheduledTime') }),
    });
    void PurchaseRecorded;
  });
});
