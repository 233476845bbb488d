import { dynamoDocumentClient } from '../../shared/aws/clients';
import { issueApiKey } from '../../functions/identity/domain/api-keys';
import { IdentityRepository } from '../../functions/identity/identity.repository';
import { DEMO_PROGRAM } from '../../functions/loyalty/domain/program';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { DEMO_REFERRAL_PROGRAM } from '../../functions/referrals/domain/program';
import { ReferralsRepository } from '../../functions/referrals/referrals.repository';
import { physicalTableName } from '../topology';
import type { LocalIssuer } from './issuer';

export interface DemoCredentials {
  readonly storeId: string;
  readonly keyId: string;
  readonly apiKey: string;
  readonly customerId: string;
  readonly customerToken: string;
}

/** First start only: a demo store with an API key, and a token for a demo customer. */
export async function createDemoStore(issuer: LocalIssuer, now: () => Date): Promise<DemoCredentials> {
  const repository = new IdentityRepository(dynamoDocumentClient(), physicalTableName('local', 'identity'));
  const issued = issueApiKey();
  await repository.createApiKey({ keyId: issued.keyId, storeId: 'demo-store', secretHash: issued.secretHash, status: 'active', createdAt: now().toISOString() });
  const token = await issuer.mint({ customerId: 'demo-customer' }, 12 * 3600, now());
  return { storeId: 'demo-store', keyId: issued.keyId, apiKey: issued.key, customerId: 'demo-customer', customerToken: token.token };
}

/** The demo loyalty and referral programs, unless a program exists already (a merchant's own stays). */
export async function seedDemoProgram(now: () => Date): Promise<void> {
  const loyalty = new LoyaltyRepository(dynamoDocumentClient(), physicalTableName('local', 'loyalty'));
  if (!(await loyalty.getProgram())) {
    await loyalty.saveProgram({ ...DEMO_PROGRAM, version: 1, updatedAt: now().toISOString(), updatedBy: 'local-runtime (demo program)' }, 0);
  }
  const referrals = new ReferralsRepository(dynamoDocumentClient(), physicalTableName('local', 'referrals'));
  if (!(await referrals.getProgram())) {
    await referrals.saveProgram({ ...DEMO_REFERRAL_PROGRAM, version: 1, updatedAt: now().toISOString(), updatedBy: 'local-runtime (demo program)' }, 0);
  }
}
