import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseOrigins } from '../topology';

/** Per-stage settings, from CDK context (`-c stage=prod`, `-c jwtIssuer=...`), parsed once and validated. */
export interface StageConfig {
  readonly stage: string;
  readonly isProduction: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
  /** An external OIDC issuer for customer and marketer tokens; when absent the stack creates a Cognito user pool. */
  readonly jwt?: { issuer: string; audience: string; jwksUrl: string };
  readonly marketerGroup: string;
  readonly throttling: { rateLimit: number; burstLimit: number };
  readonly alarmEmail?: string;
  /** Browser origins allowed by CORS (none: no CORS). */
  readonly corsOrigins: string[];
  /** The console's custom domain and its ACM certificate in us-east-1 (both or neither; default: the cloudfront.net name). */
  readonly consoleDomain?: { name: string; certificateArn: string };
  /** The user pool's hosted sign-in domain prefix (<prefix>.auth.<region>.amazoncognito.com; unique per region). */
  readonly cognitoDomainPrefix: string;
}

export function stageConfigFrom(context: (key: string) => unknown): StageConfig {
  const stage = String(context('stage') ?? 'dev');
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`Context "stage" must be lowercase letters, digits and dashes (got "${stage}")`);
  if (stage === 'local') throw new Error('The stage name "local" is reserved for the local runtime');
  const isProduction = stage === 'prod';
  const issuer = context('jwtIssuer') as string | undefined;
  const audience = context('jwtAudience') as string | undefined;
  if (Boolean(issuer) !== Boolean(audience)) throw new Error('Set both jwtIssuer and jwtAudience, or neither (to use the Cognito user pool)');
  const number = (key: string, fallback: number) => {
    const value = Number(context(key) ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`Context "${key}" must be a positive number`);
    return value;
  };
  return {
    stage,
    isProduction,
    removalPolicy: isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProduction ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    ...(issuer && audience
      ? { jwt: { issuer, audience, jwksUrl: String(context('jwksUrl') ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`) } }
      : {}),
    marketerGroup: String(context('marketerGroup') ?? 'marketers'),
    throttling: { rateLimit: number('throttleRate', 100), burstLimit: number('throttleBurst', 200) },
    ...(context('alarmEmail') ? { alarmEmail: String(context('alarmEmail')) } : {}),
    corsOrigins: parseOrigins(context('corsOrigins')),
    ...consoleDomainFrom(context),
    cognitoDomainPrefix: cognitoDomainPrefixFrom(context('cognitoDomainPrefix'), stage),
  };
}

function consoleDomainFrom(context: (key: string) => unknown): { consoleDomain?: { name: string; certificateArn: string } } {
  const name = context('consoleDomain') as string | undefined;
  const certificateArn = context('consoleCertificateArn') as string | undefined;
  if (Boolean(name) !== Boolean(certificateArn)) throw new Error('Set both consoleDomain and consoleCertificateArn (an ACM certificate in us-east-1 for that name), or neither');
  if (!name || !certificateArn) return {};
  if (!/^([a-z0-9-]+\.)+[a-z]{2,}$/i.test(name)) throw new Error(`Context "consoleDomain" must be a host name like console.example.com (got "${name}")`);
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(certificateArn)) throw new Error('Context "consoleCertificateArn" must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)');
  return { consoleDomain: { name: name.toLowerCase(), certificateArn } };
}

/**
 * Cognito's rules for a hosted-domain prefix: lowercase letters, digits and hyphens, no leading or trailing hyphen, at
 * most 63 characters, and none of the reserved words aws, amazon or cognito. Prefixes are unique per region across all
 * accounts, so the default (loyalty-loop-<stage>) may be taken: set -c cognitoDomainPrefix then.
 */
export function cognitoDomainPrefixFrom(value: unknown, stage: string): string {
  const prefix = value === undefined ? `loyalty-loop-${stage}` : String(value);
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(`Context "cognitoDomainPrefix" must be lowercase letters, digits and hyphens (at most 63, not starting or ending with a hyphen, without aws, amazon or cognito); got "${prefix}"`);
  }
  return prefix;
}
