const fcc = String.fromCharCode;

/** Strings this long or shorter are decoded by `shortAscii`. */
export const SHORT_ASCII_MAX = 16;

/**
 * `b[p..p+n)` as a string when every byte is ASCII (then UTF-8 and Latin-1 decode to the same string), else
 * undefined. For n <= SHORT_ASCII_MAX only. One builtin call with the bytes as arguments costs about half of a
 * `utf8Slice`, a call into C++ through the embedder API: big pickles hold millions of short keys and labels.
 */
export function shortAscii(b: Uint8Array, p: number, n: number): string | undefined {
  let or = 0;
  for (let i = p; i < p + n; i++) or |= b[i];
  if (or >= 0x80) return undefined;
  switch (n) {
    case 0: return '';
    case 1: return fcc(b[p]);
    case 2: return fcc(b[p], b[p + 1]);
    case 3: return fcc(b[p], b[p + 1], b[p + 2]);
    case 4: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3]);
    case 5: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
    case 6: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]);
    case 7: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]);
    case 8: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    case 9: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8]);
    case 10: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9]);
    case 11: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10]);
    case 12: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11]);
    case 13: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12]);
    case 14: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13]);
    case 15: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14]);
    case 16: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14], b[p + 15]);
    default: return undefined;
  }
}
