import { z } from 'zod';

/**
 * Field parsers for flat environment variables. Every variable arrives as an optional string; the
 * parsers only validate the *shape* of a value. Defaults and cross-variable rules live in
 * `build-app-config.ts`, because many defaults depend on other variables (mode, data dir, ...).
 */

const INTEGER = /^\d+$/;

/** A non-negative decimal integer within [min, max]. Rejects `1e3`, `0x10`, `12abc`, negatives. */
export function intVar(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(INTEGER, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`))
    .optional();
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** A boolean written as true/false/1/0/yes/no/on/off (case-insensitive). */
export function boolVar() {
  return z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum([...TRUE_WORDS, ...FALSE_WORDS], { message: 'must be true or false' }))
    .transform((v) => TRUE_WORDS.includes(v))
    .optional();
}

/** An absolute http(s) URL. Other schemes (file:, javascript:, ...) are refused on purpose. */
export function httpUrlVar() {
  return z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional();
}

/**
 * One http(s) URL, or several comma-separated (instances of one service the internal client fails over between);
 * every part is checked, the value stays a string.
 */
export function httpUrlListVar() {
  const url = z.url({ protocol: /^https?$/ });
  return z
    .string()
    .refine((v) => v.split(',').every((part) => url.safeParse(part.trim()).success), { message: 'must be an absolute http(s) URL, or several comma-separated' })
    .optional();
}

/** A URL with one of the given schemes (postgres://, redis://, ...). */
export function urlVarWithScheme(schemes: readonly string[]) {
  const pattern = new RegExp(`^(${schemes.join('|')})$`);
  return z.url({ protocol: pattern, message: `must be a URL with scheme ${schemes.join(' or ')}` }).optional();
}

/** A comma-separated list; blanks are dropped so `a,,b,` means [a, b]. */
export function csvVar(item: z.ZodString = z.string()) {
  return z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(item))
    .optional();
}

export function enumVar<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `must be one of: ${values.join(', ')}` }).optional();
}

export function stringVar(minLength = 1, maxLength = 4096) {
  return z.string().min(minLength, `must be at least ${minLength} characters`).max(maxLength).optional();
}

/** host:port, used for Kafka brokers. */
export const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/, 'each broker must be host:port');

/** A bare hostname (no scheme, no port, no path), used for the upstream allow-list. */
export const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/, 'each host must be a bare hostname');
