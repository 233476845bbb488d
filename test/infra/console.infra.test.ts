import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/cdk/app';
import { SPA_ROUTING_FUNCTION } from '../../infra/cdk/console-hosting';

/**
 * The marketer console on AWS, as synthesized: a private bucket read only by the distribution through origin access
 * control, the security headers, SPA routing that leaves asset errors alone, the deployment of console/dist, the
 * console's origin in the API's CORS allow-list, an optional custom domain, and a loud failure without a build.
 */
const CONSOLE_FIXTURE = join(process.cwd(), 'test/fixtures/console-dist');
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const outdirs: string[] = [];
const outdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-console-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const built = buildApp({ outdir: outdir(), consoleDist: CONSOLE_FIXTURE, context: { stage: 'console', ...NO_BUNDLING } });
const template = Template.fromStack(built.stateless);
const logicalId = (construct: { node: { defaultChild?: unknown } }) => built.stateless.getLogicalId(construct.node.defaultChild as never);
const distributionId = logicalId(built.stateless.console.distribution);
const bucketId = logicalId(built.stateless.console.bucket);

describe('the console on AWS', () => {
  it('keeps the bucket private: public access blocked, TLS only, encrypted, no website hosting', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId] as { Properties: Record<string, unknown> };
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets only this distribution read the bucket, through origin access control (no OAI)', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as { Properties: { Bucket: unknown; PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
    const consolePolicy = policies.find((policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: bucketId }));
    const allows = (consolePolicy?.Properties.PolicyDocument.Statement ?? []).filter((statement) => statement.Effect === 'Allow');
    // The distribution's read, and (dev stages) CDK's auto-delete role emptying the bucket on stack deletion.
    const cloudFront = allows.filter((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' }));
    expect(cloudFront).toHaveLength(1);
    expect(cloudFront[0]).toMatchObject({ Action: 's3:GetObject', Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([{ Ref: distributionId }])] } } } });
    for (const other of allows.filter((statement) => !cloudFront.includes(statement))) expect(JSON.stringify(other.Principal)).toContain('AutoDeleteObjects');
  });

  it('sends the security headers: a CSP without unsafe-inline, frame-ancestors none, HSTS, nosniff, DENY, a referrer policy', () => {
    const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as { Properties: { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> } } }[];
    expect(policies).toHaveLength(1);
    const headers = policies[0]?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig ?? {};
    const csp = JSON.stringify(headers.ContentSecurityPolicy?.ContentSecurityPolicy);
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "connect-src 'self' https://*.execute-api."]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
  });

  it('serves index.html for routes and the files as they are, over HTTPS, with the headers on every behaviour', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue(), FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })] }),
        CacheBehaviors: [Match.objectLike({ PathPattern: 'assets/*', ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() })],
      }),
    });
    const distribution = template.findResources('AWS::CloudFront::Distribution')[distributionId] as { Properties: { DistributionConfig: Record<string, unknown> } };
    // No 403/404 → index.html error rewrite: that would answer a missing asset with the page.
    expect(distribution.Properties.DistributionConfig.CustomErrorResponses).toBeUndefined();
    // The routing function, run as CloudFront would run it.
    const route = (uri: string) => (new Function(`${SPA_ROUTING_FUNCTION}; return handler;`)() as (event: { request: { uri: string } }) => { uri: string })({ request: { uri } }).uri;
    expect([route('/'), route('/customers/anna'), route('/assets/index.7d2e4b1a.js'), route('/assets/missing.js'), route('/favicon.ico')]).toEqual(['/index.html', '/index.html', '/assets/index.7d2e4b1a.js', '/assets/missing.js', '/favicon.ico']);
  });

  it('deploys console/dist (assets immutable, the page no-cache with an invalidation), and allows the console origin by CORS', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')) as { Properties: Record<string, unknown> }[];
    expect(deployments.map((deployment) => [deployment.Properties.DestinationBucketKeyPrefix, deployment.Properties.SystemMetadata])).toEqual(
      expect.arrayContaining([
        ['assets/', { 'cache-control': 'public, max-age=31536000, immutable' }],
        [undefined, { 'cache-control': 'no-cache' }],
      ]),
    );
    expect(deployments.find((deployment) => deployment.Properties.DistributionId !== undefined)?.Properties.DistributionPaths).toEqual(['/index.html', '/']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'loyalty-loop-console',
      CorsConfiguration: Match.objectLike({ AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] }] }),
    });
  });

  it('uses a custom domain and its certificate when given, with TLS 1.2, and allows that origin by CORS', () => {
    const custom = buildApp({
      outdir: outdir(),
      consoleDist: CONSOLE_FIXTURE,
      context: { stage: 'domain', consoleDomain: 'console.example.com', consoleCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666', ...NO_BUNDLING },
    });
    const customTemplate = Template.fromStack(custom.stateless);
    customTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['console.example.com'], ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }) }),
    });
    customTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'loyalty-loop-domain', CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://console.example.com'] }) });
    expect(() => buildApp({ outdir: outdir(), consoleDist: CONSOLE_FIXTURE, context: { stage: 'half', consoleDomain: 'console.example.com', ...NO_BUNDLING } })).toThrow(/consoleCertificateArn/);
  });

  it('signs marketers in through the user pool: a hosted domain, a public code-grant client returning to the console, its tokens accepted, and config.json deployed', () => {
    const stateful = Template.fromStack(built.stateful);
    stateful.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'loyalty-loop-console' });
    const consoleOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] };
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [consoleOrigin],
      LogoutURLs: [consoleOrigin],
      SupportedIdentityProviders: ['COGNITO'],
    });
    const clientId = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'))[0] as string;
    // The API's JWT authorizer accepts the console client's tokens beside the API client's.
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', JwtConfiguration: Match.objectLike({ Audience: Match.arrayWith([{ Ref: clientId }]) }) });
    // config.json is written at deploy time (the API's address and the client id are tokens) and invalidated.
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')) as { Properties: Record<string, unknown> }[];
    const config = deployments.find((deployment) => JSON.stringify(deployment.Properties.DistributionPaths) === JSON.stringify(['/config.json']));
    expect(config).toBeDefined();
    const markers = JSON.stringify(config?.Properties.SourceMarkers);
    expect(markers).toContain('ApiEndpoint');
    expect(markers).toContain(clientId);
    expect(config?.Properties.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
  });

  it('refuses a hosted-domain prefix Cognito would refuse', () => {
    expect(() => buildApp({ outdir: outdir(), consoleDist: CONSOLE_FIXTURE, context: { stage: 'prefix', cognitoDomainPrefix: 'My_Pool', ...NO_BUNDLING } })).toThrow(/cognitoDomainPrefix/);
    expect(() => buildApp({ outdir: outdir(), consoleDist: CONSOLE_FIXTURE, context: { stage: 'prefix', cognitoDomainPrefix: 'shop-cognito', ...NO_BUNDLING } })).toThrow(/cognitoDomainPrefix/);
  });

  it('fails loudly, naming the build command, when the console is not built', () => {
    expect(() => buildApp({ outdir: outdir(), consoleDist: join(tmpdir(), 'no-console-here'), context: { stage: 'nobuild', ...NO_BUNDLING } })).toThrow(/run npm run build:console/);
  });
});
