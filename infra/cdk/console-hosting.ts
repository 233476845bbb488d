import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as CloudFrontFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, type IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** What the console's build must have written before a synth: the page and its hashed assets. */
export const CONSOLE_BUILD_HINT = 'run npm run build:console';

export function assertConsoleBuilt(consoleDist: string): void {
  for (const needed of ['index.html', 'assets']) {
    if (!existsSync(join(consoleDist, needed))) {
      throw new Error(`The marketer console is not built: ${join(consoleDist, needed)} is missing (${CONSOLE_BUILD_HINT} before cdk synth or deploy)`);
    }
  }
}

export interface ConsoleHostingProps {
  readonly appName: string;
  readonly stage: string;
  readonly removalPolicy: RemovalPolicy;
  /** console/dist: index.html and content-hashed assets under assets/. */
  readonly consoleDist: string;
  /** The origin(s) the console calls (the API): the CSP's connect-src. */
  readonly connectSources: readonly string[];
  /** A custom domain and its ACM certificate (us-east-1) for it; without them, the distribution's cloudfront.net name. */
  readonly domain?: { name: string; certificateArn: string };
}

/**
 * The marketer console as static files: a private S3 bucket (no public access, TLS only, S3-managed encryption, no
 * website hosting) read by CloudFront through origin access control, every response carrying the security headers,
 * and a viewer-request function that answers a route of the single-page app (a path without a file extension) with
 * /index.html while a missing asset stays an error rather than becoming the page.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headersPolicy: ResponseHeadersPolicy;
  /** https://<domain>: what the API's CORS allow-list must hold. */
  readonly origin: string;
  private pageDeployment: BucketDeployment | undefined;
  readonly customDomain: boolean;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    assertConsoleBuilt(props.consoleDist);
    const autoDelete = props.removalPolicy === RemovalPolicy.DESTROY;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: autoDelete,
    });

    this.headersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${props.appName}-${props.stage}-console-security`,
      comment: 'Marketer console: CSP without unsafe-inline, HSTS, nosniff, no framing, referrer policy',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(props.connectSources), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    const spaRouting = new CloudFrontFunction(this, 'SpaRouting', {
      functionName: `${props.appName}-${props.stage}-console-routes`,
      comment: 'A console route (no file extension) is answered with /index.html; files are served as they are',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
    });

    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const common = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      responseHeadersPolicy: this.headersPolicy,
      compress: true,
    };
    const certificate = props.domain ? Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn) : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${props.appName} ${props.stage} marketer console`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(props.domain && certificate ? { domainNames: [props.domain.name], certificate } : {}),
      defaultBehavior: {
        ...common,
        // index.html names the current hashed assets: it is revalidated on every load (see the deployment below).
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        functionAssociations: [{ function: spaRouting, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // Hashed file names: cached for a year; a missing one is S3's error, never the page.
        'assets/*': { ...common, cachePolicy: CachePolicy.CACHING_OPTIMIZED },
      },
    });
    this.customDomain = props.domain !== undefined;
    this.origin = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;

    // Two deployments from the same folder: the hashed assets immutable, then the page (and anything else) revalidated.
    // Invalidating /index.html on each deploy makes CloudFront fetch the new page at once.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(join(props.consoleDist, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
      memoryLimit: 256,
    });
    const page = new BucketDeployment(this, 'DeployPage', {
      sources: [Source.asset(props.consoleDist, { exclude: ['assets', 'assets/**'] })],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.fromString('no-cache')],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/'],
      memoryLimit: 256,
    });
    page.node.addDependency(assets);

    this.pageDeployment = page;
    new CfnOutput(scope, 'ConsoleUrl', { value: this.origin, description: 'The marketer console (CloudFront)' });
    new CfnOutput(scope, 'ConsoleBucketName', { value: this.bucket.bucketName, description: 'The console bucket (private; CloudFront reads it by origin access control)' });
  }

  /**
   * config.json beside index.html: where the console finds the API and how it signs marketers in (see
   * console/src/config.ts). Written at deploy time (the API's address and the app client's id are only known then),
   * revalidated on every load like the page, and invalidated on each deploy. Nothing in it is secret.
   */
  deployConfig(config: { apiBaseUrl: string; signIn: { kind: 'cognito'; domain: string; clientId: string; redirectUri: string; logoutUri: string } }): void {
    const deployment = new BucketDeployment(this, 'DeployConfig', {
      sources: [Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.fromString('no-cache')],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/config.json'],
      memoryLimit: 256,
    });
    if (this.pageDeployment) deployment.node.addDependency(this.pageDeployment);
  }
}

/**
 * The console's app client: a public client (no secret: the page cannot keep one) allowed only the authorization-code
 * grant, which Cognito pairs with PKCE, returning to the console's own address after sign-in and sign-out.
 */
export function consoleSignInClient(scope: Construct, userPool: IUserPool, name: string, consoleOrigin: string): UserPoolClient {
  return new UserPoolClient(scope, 'ConsoleSignInClient', {
    userPool,
    userPoolClientName: name,
    generateSecret: false,
    preventUserExistenceErrors: true,
    authFlows: {},
    supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    oAuth: {
      flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
      callbackUrls: [`${consoleOrigin}/`],
      logoutUrls: [`${consoleOrigin}/`],
    },
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(1),
  });
}

/** The console's policy: its own origin for everything, the API for fetches, never framed, no inline code at all. */
export function consoleContentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * CloudFront Functions JS 2.0. A path whose last segment has no dot is a console route (/customers/anna): the page.
 * Anything with an extension (/assets/app.3f9a.js, /favicon.ico) goes to S3 as asked, so a missing file is an error.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/** The regional API Gateway origin pattern (see the stateless stack for why the CSP cannot name the API's own id). */
export const regionalExecuteApiSource = () => `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
