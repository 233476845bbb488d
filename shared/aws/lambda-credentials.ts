import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Bundled in place of @aws-sdk/credential-provider-node (see infra/bundling.ts): inside Lambda the execution role's
 * credentials are always in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the
 * SDK's default chain — SSO, INI files, IMDS, STS web identity, with their nested clients — is ~100 KiB of every
 * bundle that can never be used there. The local runtime gives each function its own environment credentials too.
 */
export function defaultProvider(_init?: unknown): AwsCredentialIdentityProvider {
  return fromEnv();
}
