import { dynamoDocumentClient } from '../../shared/aws/clients';
import { issueApiKey } from '../../functions/identity/domain/api-keys';
import { IdentityRepository } from '../../functions/identity/identity.repository';
import { DEMO_PROGRAM } from '../../functions/loyalty/domain/program';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { demoFeedbackSettings } from '../../functions/feedback/domain/settings';
import { FeedbackRepository } from '../../functions/feedback/feedback.repository';
import { DEMO_REFERRAL_PROGRAM } from '../../functions/referrals/domain/program';
import { ReferralsRepository } from '../../functions/referrals/referrals.repository';
import { demoTestimonialSettings } from '../../functions/testimonials/domain/settings';
import { TestimonialsRepository } from '../../functions/testimonials/testimonials.repository';
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

const DEMO_SETTINGS_BY = 'local-runtime (demo settings)';

/**
 * The demo loyalty and referral programs and feedback and testimonial settings, unless they exist already (a
 * merchant's own stay). The demo settings point response links at this runtime, and follow it when it starts on
 * another port.
 */
export async function seedDemoProgram(now: () => Date, apiUrl: string): Promise<void> {
  const loyalty = new LoyaltyRepository(dynamoDocumentClient(), physicalTableName('local', 'loyalty'));
  if (!(await loyalty.getProgram())) {
    await loyalty.saveProgram({ ...DEMO_PROGRAM, version: 1, updatedAt: now().toISOString(), updatedBy: 'local-runtime (demo program)' }, 0);
  }
  const referrals = new ReferralsRepository(dynamoDocumentClient(), physicalTableName('local', 'referrals'));
  if (!(await referrals.getProgram())) {
    await referrals.saveProgram({ ...DEMO_REFERRAL_PROGRAM, version: 1, updatedAt: now().toISOString(), updatedBy: 'local-runtime (demo program)' }, 0);
  }
  const feedback = new FeedbackRepository(dynamoDocumentClient(), physicalTableName('local', 'feedback'));
  const settings = await feedback.getSettings();
  if (!settings || (settings.updatedBy === DEMO_SETTINGS_BY && settings.responseBaseUrl !== apiUrl)) {
    await feedback.saveSettings({ ...demoFeedbackSettings(apiUrl), version: (settings?.version ?? 0) + 1, updatedAt: now().toISOString(), updatedBy: DEMO_SETTINGS_BY }, settings?.version ?? 0);
  }
  const testimonials = new TestimonialsRepository(dynamoDocumentClient(), physicalTableName('local', 'testimonials'));
  const testimonialSettings = await testimonials.getSettings();
  if (!testimonialSettings || (testimonialSettings.updatedBy === DEMO_SETTINGS_BY && testimonialSettings.responseBaseUrl !== apiUrl)) {
    await testimonials.saveSettings(
      { ...demoTestimonialSettings(apiUrl), version: (testimonialSettings?.version ?? 0) + 1, updatedAt: now().toISOString(), updatedBy: DEMO_SETTINGS_BY },
      testimonialSettings?.version ?? 0,
    );
  }
}
