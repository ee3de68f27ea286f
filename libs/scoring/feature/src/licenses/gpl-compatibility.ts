import type { ClassifiedLicense } from './license-classification';

/**
 * Whether a work under one license may become part of a work under a GPL-family license (GPL, AGPL), after the
 * FSF's list of GPL-compatible licenses and the licenses' own compatibility clauses. The GPL and the AGPL require
 * the whole combined work under their terms and forbid "further restrictions", so the other license must let its
 * part be distributed under the GPL.
 */

type GplVersion = 2 | 3;

/** Permissive licenses whose extra terms the GPL forbids: AFL-3.0 (patent termination reaching beyond the work);
 *  for GPL-2.0 also Apache-2.0 and ECL-2.0 (their patent clauses are restrictions GPL-2.0 does not allow). */
const PERMISSIVE_REFUSED: Record<GplVersion, ReadonlySet<string>> = {
  2: new Set(['afl-3.0', 'apache-2.0', 'ecl-2.0']),
  3: new Set(['afl-3.0']),
};

/** Weak copyleft that lets its code be distributed under that GPL version: the LGPLs convert to the GPL, MPL-2.0
 *  names the GPL as a "Secondary License", EUPL-1.2 lists GPL-2.0 and GPL-3.0 in its compatibility appendix. */
const LGPL2 = ['lgpl-2.0', 'lgpl-2.0-only', 'lgpl-2.0-or-later', 'lgpl-2.1', 'lgpl-2.1-only', 'lgpl-2.1-or-later'];
const WEAK_ACCEPTED: Record<GplVersion, ReadonlySet<string>> = {
  2: new Set([...LGPL2, 'mpl-2.0', 'eupl-1.2']),
  3: new Set([...LGPL2, 'lgpl-3.0', 'lgpl-3.0-only', 'lgpl-3.0-or-later', 'mpl-2.0', 'eupl-1.2']),
};

/** CC-BY-SA-4.0 is one-way compatible with GPL-3.0 (Creative Commons' 2015 declaration; ModelGo lists it too). */
const SHARE_ALIKE_ACCEPTED: Record<GplVersion, ReadonlySet<string>> = { 2: new Set(), 3: new Set(['cc-by-sa-4.0']) };

/**
 * The GPL versions a licensee may choose for a GPL-family id: `gpl-2.0` (GitHub's id for GPL-2.0, "only" unless the
 * project says otherwise) is 2, `-or-later` adds 3, GPL-3.0 and AGPL-3.0 are 3 (GPL-3.0 §13 and AGPL-3.0 §13 let the
 * two be combined). A version we cannot read is taken as GPL-2.0 only: the narrowest reading.
 */
function gplVersionsOf(id: string): ReadonlySet<GplVersion> {
  const m = /^a?gpl-([23])\.0(-only|-or-later)?$/.exec(id);
  if (!m) return new Set([2]);
  return m[1] === '3' ? new Set([3]) : m[2] === '-or-later' ? new Set([2, 3]) : new Set([2]);
}

function acceptsUnder(version: GplVersion, other: ClassifiedLicense): boolean {
  switch (other.family) {
    case 'permissive':
      return !PERMISSIVE_REFUSED[version].has(other.id);
    case 'weak-copyleft':
      return WEAK_ACCEPTED[version].has(other.id);
    case 'share-alike':
      return SHARE_ALIKE_ACCEPTED[version].has(other.id);
    case 'strong-copyleft':
    case 'network-copyleft':
      return gplVersionsOf(other.id).has(version);
    // Use restrictions, commercial or derivative bans, proprietary and unreadable terms are all restrictions the
    // GPL does not allow on the combined work.
    case 'use-restricted':
    case 'non-commercial':
    case 'no-derivatives':
    case 'proprietary':
    case 'unknown':
    case 'custom':
    case 'unrecognised':
    case 'none':
      return false;
  }
}

/** True when a work under `other` may be part of a work distributed under the GPL-family license `gpl`. */
export function gplAccepts(gpl: ClassifiedLicense, other: ClassifiedLicense): boolean {
  if (gpl.id === other.id) return true;
  return [...gplVersionsOf(gpl.id)].some((version) => acceptsUnder(version, other));
}
