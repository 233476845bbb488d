import { createHmac, randomInt } from 'node:crypto';

/**
 * Personal referral codes: a prefix of letters and a random suffix from an alphabet without look-alikes (no 0/O,
 * 1/I/L), e.g. ANNA-7KQ2. Codes are case-insensitive on input (normalized to upper case) and unique: a new code is
 * written only if no code of that spelling exists (the repository's conditional put), otherwise another is drawn.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const SUFFIX = `[${CODE_ALPHABET}]`;
export const CODE_PATTERN = new RegExp(`^[A-Z]{2,12}-${SUFFIX}{4,10}$`); // 10 = MAX_SUFFIX

/** Longest suffix a code may have (CODE_PATTERN): drawing never goes past it. */
export const MAX_SUFFIX = 10;

/**
 * A suffix of 4 for a personal prefix (31^4 ≈ 920k codes per prefix), 6 for the program's shared default (≈ 890M),
 * one longer every second collision, at most MAX_SUFFIX.
 */
export function suffixLength(personalPrefix: boolean, attempt: number): number {
  return Math.min(MAX_SUFFIX, (personalPrefix ? 4 : 6) + Math.floor(attempt / 2));
}

export function drawCode(prefix: string, length: number, random: (max: number) => number = randomInt): string {
  let suffix = '';
  for (let index = 0; index < length; index++) suffix += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return `${prefix}-${suffix}`;
}

/** The canonical spelling of a code as a person typed it, or undefined when it cannot be one of ours. */
export function normalizeCode(input: string): string | undefined {
  const code = input.trim().toUpperCase().replace(/\s+/g, '');
  return CODE_PATTERN.test(code) ? code : undefined;
}

/** A prefix from a name a storefront passes (ANNALENA from "Anna-Lena", ZOE from "Zoë"): letters A-Z only, 2-12 of them. */
export function prefixFrom(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const letters = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 12);
  return letters.length >= 2 ? letters : undefined;
}

/**
 * Email addresses as one person: lower case, trimmed, without a `+tag`, and for Gmail-style providers (which ignore
 * dots in the local part) without dots — Anna.Smith+x@gmail.com and annasmith@gmail.com are the same person.
 */
const DOT_INSENSITIVE_DOMAINS = new Set(['gmail.com', 'googlemail.com']);
export function normalizeEmail(input: string): string | undefined {
  const email = input.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (DOT_INSENSITIVE_DOMAINS.has(domain)) local = local.replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

/**
 * A salted one-way hash (HMAC-SHA-256 with the deployment's own secret salt): what the fraud rules compare instead of
 * emails and IP addresses, which are never stored. The salt lives in the referral table, readable only by its functions.
 */
export function saltedHash(salt: string, kind: 'email' | 'ip' | 'agent', value: string): string {
  return createHmac('sha256', salt).update(`${kind}:${value}`).digest('base64url').slice(0, 32);
}
