import { boundedDamerauLevenshtein } from './edit-distance';
import { describeChar, nameForms, type NameForms } from './name-forms';

/**
 * Package-confusion audit, name-similarity half: for each registered artifact, the most similar artifact of the same
 * type that is clearly more popular, with an explainable score. (The other half, anomalous download traffic, is
 * traffic-anomaly.ts; combined-audit.ts merges the two.)
 *
 * Work stays near-linear in the registry size: popular names are indexed under their skeleton and every skeleton
 * with one character deleted (the SymSpell trick), so two names within one edit (and many within two) share a key
 * and only those pairs are ever compared, never all n² of them.
 */

export interface AuditedArtifact {
  id: string;
  name: string;
  type: string;
  /** Downloads counted from ArtifactDownloaded events (confusion/popularity.handlers.ts). */
  downloads: number;
  /** Search answers it appeared in, counted from ArtifactsSearched events. */
  searches: number;
}

export interface NameFinding {
  id: string;
  name: string;
  type: string;
  score: number;
  looks_like: { id: string; name: string };
  reasons: string[];
}

/**
 * A search appearance weighs a fifth of a download: enumerations list many artifacts at once, so appearing in one
 * says less about interest than being fetched.
 */
export const SEARCH_WEIGHT = 0.2;
/** Popularity: downloads plus weighted search appearances. */
export function popularityOf(a: Pick<AuditedArtifact, 'downloads' | 'searches'>): number {
  return a.downloads + SEARCH_WEIGHT * a.searches;
}

/** The look-alike must be ≥10× as popular (popularity +1 so a never-used suspect still compares). */
export const MIN_POPULARITY_RATIO = 10;
/** Names less similar than this are not reported, whatever the popularity gap. */
export const MIN_SIMILARITY = 0.85;
/** Edits allowed between skeletons; the deletion index finds every pair within one and some within two. */
const MAX_EDITS = 2;
/** Shorter skeletons (gpt2, t5) sit one edit from many unrelated names: only exact look-alikes are reported. */
const MIN_FUZZY_LENGTH = 6;
/** Longer skeletons are matched only exactly, so one name cannot make the index quadratic in its length. */
const MAX_FUZZY_LENGTH = 64;
/** Popular names kept per index key (the most downloaded first): bounds the work for crowded keys. */
const MAX_PER_KEY = 16;
/** Popular names compared per suspect, exact look-alikes first: bounds the work when many keys are crowded. */
const MAX_CANDIDATES = 12;
/** Suspects examined between yields to the event loop, so a 10,000-name audit never stalls other requests. */
const SUSPECTS_PER_SLICE = 500;

interface Entry extends AuditedArtifact {
  forms: NameForms;
  popularity: number;
}

function indexKeys(skeleton: string): string[] {
  const keys = [skeleton];
  if (skeleton.length < MIN_FUZZY_LENGTH || skeleton.length > MAX_FUZZY_LENGTH) return keys;
  for (let i = 0; i < skeleton.length; i++) keys.push(skeleton.slice(0, i) + skeleton.slice(i + 1));
  return keys;
}

function sameName(a: NameForms, b: NameForms): boolean {
  return a.namespace === b.namespace && a.folded === b.folded;
}

/** Similarity in [0,1] of a suspect to a popular name, and the reasons; null when they are not confusable. */
export function nameSimilarity(suspect: NameForms, popular: NameForms): { similarity: number; reasons: () => string[] } | null {
  // The same name in the same namespace is the same package registered again, not an imitation.
  if (sameName(suspect, popular)) return null;
  if (suspect.skeleton === popular.skeleton) {
    const reasons: string[] = [];
    let similarity = 0.9;
    if (suspect.namespace !== popular.namespace) reasons.push(`namespace differs ('${suspect.namespace}' vs '${popular.namespace}')`);
    if (suspect.unseparated === popular.unseparated && suspect.folded !== popular.folded) {
      reasons.push('differs only in separators (-, _, ., spaces)');
      similarity = 0.95;
    }
    // Either side may hold the look-alike: resnet-5O imitates resnet-50 through the popular name's digit.
    const lookalikes = [
      ...suspect.lookalikes.filter((char) => !popular.lookalikes.includes(char)),
      ...popular.lookalikes.filter((char) => !suspect.lookalikes.includes(char)),
    ];
    if (suspect.unseparated !== popular.unseparated) {
      reasons.push(lookalikes.length > 0 ? `look-alike characters ${lookalikes.map(describeChar).join(', ')}` : 'look-alike characters');
      similarity = 1;
    }
    reasons.push('identical after normalisation (NFKC, case-fold, separators, namespace, homoglyphs)');
    return { similarity, reasons: () => reasons };
  }
  const length = Math.max(suspect.skeleton.length, popular.skeleton.length);
  if (Math.min(suspect.skeleton.length, popular.skeleton.length) < MIN_FUZZY_LENGTH) return null;
  const cost = boundedDamerauLevenshtein(suspect.skeleton, popular.skeleton, MAX_EDITS);
  if (!Number.isFinite(cost)) return null;
  // Capped below an exact look-alike: a visible typo is less deceptive than an invisible homoglyph.
  const similarity = Math.min(0.95, 1 - cost / length);
  // Explained only for the winning look-alike: the unweighted count is a second pass over the names.
  const reasons = (): string[] => {
    const edits = boundedDamerauLevenshtein(suspect.skeleton, popular.skeleton, MAX_EDITS, false);
    const distance = `Damerau-Levenshtein distance ${edits} between normalised names '${suspect.skeleton}' and '${popular.skeleton}'`;
    return cost < edits ? [distance, `keyboard-adjacent typo (weighted distance ${cost})`] : [distance];
  };
  return { similarity, reasons };
}

/** How much more popular the look-alike is, as a factor in [0,1]: 10× gives 1/3, 1000× and beyond give 1. */
function popularityFactor(ratio: number): number {
  return Math.min(1, Math.log10(ratio) / 3);
}

/** Findings sorted by score (highest first, then name), at most `limit` of them. */
export async function auditPackageConfusion(artifacts: readonly AuditedArtifact[], limit: number): Promise<NameFinding[]> {
  const entries: Entry[] = artifacts.map((artifact) => ({ ...artifact, forms: nameForms(artifact.name), popularity: popularityOf(artifact) }));
  const index = new Map<string, Entry[]>();
  // Only names popular enough to be imitated by a never-downloaded one go in the index.
  const popular = entries.filter((e) => e.popularity + 1 >= MIN_POPULARITY_RATIO).sort((a, b) => b.popularity - a.popularity);
  for (const entry of popular) {
    for (const key of new Set(indexKeys(entry.forms.skeleton))) {
      const bucket = index.get(`${entry.type}\u0000${key}`) ?? [];
      if (bucket.length < MAX_PER_KEY) bucket.push(entry);
      index.set(`${entry.type}\u0000${key}`, bucket);
    }
  }
  const findings: NameFinding[] = [];
  for (const [position, suspect] of entries.entries()) {
    if (position > 0 && position % SUSPECTS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    let best: NameFinding | null = null;
    // A popular artifact under this very name makes the name legitimate: a re-registration, not an imitation of a
    // third artifact (bert-base-uncased again does not imitate google-bert/bert-base-uncased).
    let duplicate = false;
    const seen = new Set<Entry>();
    for (const key of indexKeys(suspect.forms.skeleton)) {
      for (const candidate of index.get(`${suspect.type}\u0000${key}`) ?? []) {
        if (seen.has(candidate) || candidate === suspect || seen.size >= MAX_CANDIDATES) continue;
        seen.add(candidate);
        if (sameName(suspect.forms, candidate.forms)) duplicate = true;
        const ratio = (candidate.popularity + 1) / (suspect.popularity + 1);
        if (ratio < MIN_POPULARITY_RATIO) continue;
        const match = nameSimilarity(suspect.forms, candidate.forms);
        if (match === null || match.similarity < MIN_SIMILARITY) continue;
        const score = Math.round(match.similarity * (0.5 + 0.5 * popularityFactor(ratio)) * 1000) / 1000;
        if (best !== null && best.score >= score) continue;
        best = {
          id: suspect.id,
          name: suspect.name,
          type: suspect.type,
          score,
          looks_like: { id: candidate.id, name: candidate.name },
          reasons: [...match.reasons(), `'${candidate.name}' was downloaded ${candidate.downloads} times and appeared in ${candidate.searches} searches, this ${suspect.downloads} and ${suspect.searches} (${Math.round(ratio)}× less popular)`],
        };
      }
    }
    if (best !== null && !duplicate) findings.push(best);
  }
  // Ties in code-unit order: the same answer whatever the server's locale.
  findings.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return findings.slice(0, limit);
}
