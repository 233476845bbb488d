import * as z from 'zod';

/**
 * The feedback settings a marketer configures (PUT /v1/feedback-settings), versioned like the programs: which
 * moments of the journey ask for feedback, the contact budget every ask shares, and how long a link stays valid.
 */
export const THROTTLE_DAYS = [7, 14, 30, 90, 180, 365] as const;
/** The contact budget's window when a marketer set none — and when no settings are saved at all (a testimonial ask still respects one). */
export const DEFAULT_THROTTLE_DAYS = 90;

const pageStrings = z.strictObject({
  question: z.string().trim().min(1).max(200).optional(),
  csatQuestion: z.string().trim().min(1).max(200).optional(),
  low: z.string().trim().min(1).max(60).optional(),
  high: z.string().trim().min(1).max(60).optional(),
  commentLabel: z.string().trim().min(1).max(120).optional(),
  submit: z.string().trim().min(1).max(40).optional(),
  thanks: z.string().trim().min(1).max(200).optional(),
  expired: z.string().trim().min(1).max(200).optional(),
  answered: z.string().trim().min(1).max(200).optional(),
});
export type PageStrings = z.output<typeof pageStrings>;

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .max(500)
  .refine((value) => !URL.canParse(value) || new URL(value).protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(new URL(value).hostname), 'must use https (http only for localhost)')
  // Not just an empty search/hash: a bare "?" or "#" parses to empty ones too, and would swallow the appended /s/<token>.
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment');

export const feedbackSettingsInput = z.strictObject({
  /** Where response links point: this API's public URL (or its custom domain); links are <base>/s/<token>. */
  responseBaseUrl: baseUrl,
  triggers: z.strictObject({
    /** An NPS survey this many days after a purchase (0: the moment the purchase is recorded). */
    afterPurchase: z.strictObject({ enabled: z.boolean(), days: z.number().int().min(0).max(365) }),
    /** An NPS survey when a customer's tier goes up. */
    tierUpgrade: z.strictObject({ enabled: z.boolean() }),
  }),
  /** The contact budget: at most one ask per customer in this many days, across every kind of ask. */
  throttleDays: z
    .number()
    .int()
    .refine((days) => (THROTTLE_DAYS as readonly number[]).includes(days), `must be one of ${THROTTLE_DAYS.join(', ')}`)
    .default(DEFAULT_THROTTLE_DAYS),
  /** How long a response link stays valid. */
  expiryDays: z.number().int().min(1).max(90).default(14),
  /** The response page's texts by language (en, de, fr-CA …), over the built-in English ones; chosen by Accept-Language. */
  strings: z.record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag like "de" or "fr-CA"'), pageStrings).default({}),
});

export type FeedbackSettingsInput = z.output<typeof feedbackSettingsInput>;

export const storedFeedbackSettings = z.object({
  ...feedbackSettingsInput.shape,
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }),
  updatedBy: z.string(),
});

export interface FeedbackSettings extends FeedbackSettingsInput {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The settings the local runtime starts with (its own URL as the link base); merchants replace them with PUT. */
export function demoFeedbackSettings(responseBaseUrl: string): FeedbackSettingsInput {
  return {
    responseBaseUrl,
    triggers: { afterPurchase: { enabled: true, days: 7 }, tierUpgrade: { enabled: true } },
    throttleDays: 90,
    expiryDays: 14,
    strings: {},
  };
}
