/**
 * A model or dataset card (README.md) read once into the parts the metrics look at: prose per section, fenced code
 * blocks, tables and links. Cards are upstream-controlled, so the work is bounded: only the first
 * CARD_ANALYSIS_MAX_CHARS characters are read (a 50 MB README costs the same as a 256 KB one), every pass is a
 * single linear scan, and the only regexes are anchored or bounded ones without nested quantifiers.
 */

/** The same bound as the README kept in the package metadata: past it a card is padding, not documentation. */
export const CARD_ANALYSIS_MAX_CHARS = 256 * 1024;
/** Front matter longer than this is not front matter we read (the contract's card data is bounded the same way). */
const FRONT_MATTER_MAX_CHARS = 64 * 1024;
const MAX_LINKS = 200;
const MAX_CODE_BLOCKS = 100;

export interface CardTable {
  /** The header row's cells. */
  header: string[];
  /** The body rows' cells (the `|---|` separator removed). */
  rows: string[][];
}

export interface CardSection {
  /** The heading text, lower-cased; '' for the text before the first heading. */
  heading: string;
  level: number;
  /** Words of prose (code, tables, template boilerplate and placeholders excluded). */
  words: number;
  tables: CardTable[];
  codeBlocks: number;
  prose: string;
}

export interface CardCodeBlock {
  /** The fence's info string, lower-cased (`python`, `py`, `bash`, `''`). */
  lang: string;
  code: string;
  /** The heading of the section it sits in, lower-cased. */
  section: string;
}

export interface CardDocument {
  /** False when there is no card at all (or only whitespace). */
  present: boolean;
  /** True when the card was longer than what is analysed. */
  truncated: boolean;
  frontMatter: 'none' | 'ok' | 'broken';
  sections: CardSection[];
  codeBlocks: CardCodeBlock[];
  /** All prose, joined (what claim and purpose detection read). */
  prose: string;
  words: number;
  /** `[More Information Needed]` lines and similar placeholders found. */
  placeholders: number;
  /** Lines of the Hugging Face card template's boilerplate found (they document nothing about this model). */
  templateLines: number;
  links: string[];
}

/**
 * Lines the Hub's default card template writes into every card; an auto-generated card is full of them and they
 * say nothing about the model, so they count neither as prose nor as a documented section.
 */
const TEMPLATE_LINE_PREFIXES = [
  'this is the model card of a 🤗 transformers model that has been pushed on the hub',
  'this modelcard aims to be a base template for new models',
  'this dataset card aims to be a base template for new datasets',
  'use the code below to get started with the model',
  'users (both direct and downstream) should be made aware of the risks',
  'carbon emissions can be estimated using the [machine learning impact calculator]',
];
const PLACEHOLDER = /\[more information needed\]|more information needed/i;

export function readCard(readme: string | undefined): CardDocument {
  const raw = readme ?? '';
  const truncated = raw.length > CARD_ANALYSIS_MAX_CHARS;
  const { body, frontMatter } = splitFrontMatter(withoutHtmlComments(raw.slice(0, CARD_ANALYSIS_MAX_CHARS)));
  const doc: CardDocument = {
    present: raw.trim().length > 0,
    truncated,
    frontMatter,
    sections: [],
    codeBlocks: [],
    prose: '',
    words: 0,
    placeholders: 0,
    templateLines: 0,
    links: [],
  };
  let section: CardSection = newSection('', 0);
  doc.sections.push(section);
  const proseParts: string[] = [];
  let fence: { marker: string; lang: string; lines: string[] } | null = null;
  let table: CardTable | null = null;
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (fence) {
      if (trimmed.startsWith(fence.marker)) {
        if (doc.codeBlocks.length < MAX_CODE_BLOCKS) doc.codeBlocks.push({ lang: fence.lang, code: fence.lines.join('\n'), section: section.heading });
        section.codeBlocks++;
        fence = null;
      } else fence.lines.push(line.replace(/\r$/, ''));
      continue;
    }
    const opening = /^(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(trimmed);
    if (opening) {
      fence = { marker: opening[1], lang: opening[2].toLowerCase(), lines: [] };
      table = null;
      continue;
    }
    if (trimmed.startsWith('|')) {
      table = addTableRow(section, table, trimmed);
      continue;
    }
    table = null;
    const heading = /^(#{1,6})\s+(.{0,300})/.exec(trimmed);
    if (heading) {
      section = newSection(heading[2].replace(/[#*_`]/g, '').trim().toLowerCase(), heading[1].length);
      doc.sections.push(section);
      continue;
    }
    if (trimmed === '') continue;
    if (PLACEHOLDER.test(trimmed)) {
      doc.placeholders++;
      continue;
    }
    const lower = trimmed.toLowerCase();
    if (TEMPLATE_LINE_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
      doc.templateLines++;
      continue;
    }
    const words = countWords(trimmed);
    section.words += words;
    doc.words += words;
    section.prose += (section.prose ? '\n' : '') + trimmed;
    proseParts.push(trimmed);
  }
  // An unclosed fence still shows the reader its code; keep it.
  if (fence && doc.codeBlocks.length < MAX_CODE_BLOCKS) doc.codeBlocks.push({ lang: fence.lang, code: fence.lines.join('\n'), section: section.heading });
  doc.prose = proseParts.join('\n');
  doc.links = linksIn(doc.prose);
  return doc;
}

/**
 * The card's text as readCard reads it (bounded, HTML comments and front matter removed): what a reader, or an LLM
 * analyser, is shown. Hidden comments stay out, so text no human sees on the Hub cannot speak to a model either.
 */
export function cardBody(readme: string | undefined): string {
  return splitFrontMatter(withoutHtmlComments((readme ?? '').slice(0, CARD_ANALYSIS_MAX_CHARS))).body;
}

function newSection(heading: string, level: number): CardSection {
  return { heading, level, words: 0, tables: [], codeBlocks: 0, prose: '' };
}

function addTableRow(section: CardSection, table: CardTable | null, line: string): CardTable {
  const cells = line.split('|').slice(1);
  if (cells.length > 0 && cells[cells.length - 1].trim() === '') cells.pop();
  const row = cells.slice(0, 64).map((c) => c.trim());
  if (!table) {
    const created: CardTable = { header: row, rows: [] };
    section.tables.push(created);
    return created;
  }
  if (!row.every((c) => /^:?-{1,}:?$/.test(c) || c === '')) table.rows.push(row);
  return table;
}

/** Words, counted without building an array (a long card would allocate one string per word). */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** `<!-- ... -->` removed (the Hub's template puts its instructions there); an unclosed comment ends the text. */
function withoutHtmlComments(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf('<!--', from);
    if (start < 0) return out + text.slice(from);
    out += text.slice(from, start);
    const end = text.indexOf('-->', start + 4);
    if (end < 0) return out;
    from = end + 3;
  }
}

function splitFrontMatter(text: string): { body: string; frontMatter: CardDocument['frontMatter'] } {
  const normalised = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!/^---\r?\n/.test(normalised)) return { body: normalised, frontMatter: 'none' };
  const close = normalised.slice(0, FRONT_MATTER_MAX_CHARS).search(/\n---[ \t]*\r?(\n|$)/);
  if (close >= 0) {
    const after = normalised.indexOf('\n', close + 4);
    return { body: after < 0 ? '' : normalised.slice(after + 1), frontMatter: 'ok' };
  }
  // Unclosed front matter: the YAML is unreadable, but the card after it still documents the model. Skip to the
  // first heading so YAML lines are not read as prose.
  const heading = normalised.search(/\n#{1,6}\s/);
  return { body: heading < 0 ? '' : normalised.slice(heading + 1), frontMatter: 'broken' };
}

function linksIn(prose: string): string[] {
  const links: string[] = [];
  const re = /https?:\/\/[^\s)\]>"'<]{1,500}/g;
  for (let m = re.exec(prose); m && links.length < MAX_LINKS; m = re.exec(prose)) links.push(m[0]);
  return links;
}

/** The sections whose heading matches one of `topics` (a heading may match several topics). */
export function sectionsAbout(doc: CardDocument, topic: RegExp): CardSection[] {
  return doc.sections.filter((s) => topic.test(s.heading));
}

/** Whether a section says something: some prose, a table or code, not only a heading over placeholders. */
export function hasContent(section: CardSection, minWords = 5): boolean {
  return section.words >= minWords || section.tables.length > 0 || section.codeBlocks > 0;
}
