import { dynamoDocumentClient } from '../../shared/aws/clients';
import { loadConfig, nonEmpty } from '../../shared/config';
import { WebhookSecrets, type WebhookPlatform } from './identity.repository';

export type { WebhookPlatform };

/**
 * What other services may ask of identity, in-process: a store's webhook signing secret. The only way another
 * service reads the identity table (declared in identity's service.ts as a facade; a function using it binds the
 * table read-only).
 */
let secrets: WebhookSecrets | undefined;

export function webhookSecretOf(storeId: string, platform: WebhookPlatform): Promise<string | undefined> {
  secrets ??= new WebhookSecrets(dynamoDocumentClient(), loadConfig({ IDENTITY_TABLE_NAME: nonEmpty }).IDENTITY_TABLE_NAME);
  return secrets.get(storeId, platform);
}
