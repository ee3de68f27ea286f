import type { FormatScanner } from '../../core/types';

/**
 * Plain text (README, JSON configs, tokenizer files) carries no loader-executed code for the formats covered
 * here, so it is clean. It is checked LAST, after pickle sniffing, so a protocol 0 pickle is never taken
 * for text. Valid UTF-8 with no NUL or control bytes in the first 4 KiB counts as text.
 */
export const textScanner: FormatScanner = {
  name: 'text',
  canHandle(head) {
    if (head.length === 0) return true;
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0e-\x1a\x1c-\x1f]/.test(head.toString('latin1'))) return false;
    const decoded = new TextDecoder('utf-8', { fatal: false }).decode(head);
    // Allow one multi-byte character cut at the end of the head.
    return (decoded.match(/\uFFFD/g)?.length ?? 0) <= 1;
  },
  scan: () => Promise.resolve([]),
};
