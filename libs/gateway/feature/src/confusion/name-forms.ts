/**
 * The forms a package name passes through on its way to a confusion "skeleton": two names with the same skeleton
 * look alike to a person skimming a listing. Each stage is kept so a match can say *why* the names collide.
 */

/** Cyrillic and Greek letters (lower case, after case-folding) that render like a Latin letter in common fonts. */
const LOOKALIKE_LETTERS: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
};
/** Digits that pass for letters: resnet-5O vs resnet-50, 1lama vs llama. */
const LOOKALIKE_DIGITS: Readonly<Record<string, string>> = { '0': 'o', '1': 'l' };
const SEPARATORS = /[-_.\s]+/g;
const COMBINING_MARKS = /\p{Mn}/gu;

export interface NameForms {
  /** Namespace before the last `/` (HF `google-bert/`), case-folded; '' when there is none. */
  namespace: string;
  /** NFKC and case-folded, namespace dropped: equal forms differ only in case or namespace. */
  folded: string;
  /** `folded` without separators: equal forms differ in `-`, `_`, `.` or spaces. */
  unseparated: string;
  /** `unseparated` with accents stripped and look-alike letters and digits mapped to ASCII: the comparison key. */
  skeleton: string;
  /** The look-alike characters the name contains (non-ASCII letters and digit-for-letter swaps), for the reasons. */
  lookalikes: string[];
}

/** Splits off the namespace and walks the name through NFKC, case-fold, separator removal and the look-alike map. */
export function nameForms(name: string): NameForms {
  const nfkc = name.normalize('NFKC');
  const slash = nfkc.lastIndexOf('/');
  // A capital I is drawn like a lower-case l; fold it there before lower-casing turns it into an i.
  const caseFold = (s: string): string => s.replace(/I/g, 'l').toLowerCase();
  const namespace = slash < 0 ? '' : caseFold(nfkc.slice(0, slash));
  const folded = caseFold(nfkc.slice(slash + 1));
  const unseparated = folded.replace(SEPARATORS, '');
  const lookalikes: string[] = [];
  let skeleton = '';
  for (const char of unseparated.normalize('NFD').replace(COMBINING_MARKS, '')) {
    const mapped = LOOKALIKE_LETTERS[char] ?? LOOKALIKE_DIGITS[char];
    if (mapped !== undefined || char > '\u007f') lookalikes.push(char);
    skeleton += mapped ?? char;
  }
  // "rn" set tight reads as "m" (rnodel vs model); folded last so both names go through it alike.
  return { namespace, folded, unseparated, skeleton: skeleton.replace(/rn/g, 'm'), lookalikes };
}

/** `U+0435 'е'`: a look-alike named unambiguously, since it prints like the letter it imitates. */
export function describeChar(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} '${char}'`;
}
