import * as z from 'zod';

/**
 * The testimonial settings a marketer configures (PUT /v1/testimonial-settings), versioned like the feedback settings:
 * which moments ask for a testimonial, where links point, how long a link stays valid, and the window in which a
 * refund or a detractor answer keeps a customer off the case-study list. The contact budget is the feedback
 * service's (one ask per customer per window, across surveys and testimonial requests).
 */
const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .max(500)
  .refine((value) => !URL.canParse(value) || new URL(value).protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(new URL(value).hostname), 'must use https (http only for localhost)')
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment');

export const testimonialSettingsInput = z.strictObject({
  /** Where request links point: this API's public URL (or its custom domain); links are <base>/t/<token>. */
  responseBaseUrl: baseUrl,
  triggers: z.strictObject({
    /** Ask a customer who just answered NPS as a promoter (9-10): the ask rides on that survey's contact. */
    promoter: z.strictObject({ enabled: z.boolean() }),
    /** Ask when a customer's tier goes up. */
    tierUpgrade: z.strictObject({ enabled: z.boolean() }),
    /** Ask an advocate whose referral paid off. */
    referralRewarded: z.strictObject({ enabled: z.boolean() }),
  }),
  /** How long a request link stays valid. */
  expiryDays: z.number().int().min(1).max(90).default(14),
  /** A refund or a detractor answer within this many days keeps a customer off the case-study candidates. */
  candidateWindowDays: z.number().int().min(1).max(3650).default(180),
});

export type TestimonialSettingsInput = z.output<typeof testimonialSettingsInput>;

export const storedTestimonialSettings = z.object({
  ...testimonialSettingsInput.shape,
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }),
  updatedBy: z.string(),
});

export interface TestimonialSettings extends TestimonialSettingsInput {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The settings the local runtime starts with (its own URL as the link base); merchants replace them with PUT. */
export function demoTestimonialSettings(responseBaseUrl: string): TestimonialSettingsInput {
  return {
    responseBaseUrl,
    triggers: { promoter: { enabled: true }, tierUpgrade: { enabled: true }, referralRewarded: { enabled: true } },
    expiryDays: 14,
    candidateWindowDays: 180,
  };
}
