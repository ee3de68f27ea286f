import { RE2 } from 're2-wasm';
import { describe, expect, it } from 'vitest';
import { ClientError } from './client-error';
import { joinedScan, joinedScanSafe, usesByteInput, type Mode } from './joined-scan';
import { SearchTexts, codePointsOf } from './search-texts';

type Doc = [name: string, readme: string | null];

/** What a per-text scan (domain/regex-search.ts) answers: the reference the joined scan must never fall short of. */
function perText(docs: Doc[], pattern: string): string[] {
  const re = new RE2(pattern, 'u');
  return docs.flatMap(([name, readme], i) => (re.test(name) || (readme !== null && re.test(readme)) ? [`id${i}`] : []));
}

/** Candidates from the joined calls alone unless `only` says otherwise, so these tests check the superset logic. */
function candidates(docs: Doc[], pattern: string, limit = 1e9, only: Mode | undefined = 'joined'): Promise<string[] | null> {
  const store = new SearchTexts(1 << 30);
  docs.forEach(([name, readme], i) => store.set(`id${i}`, name, readme));
  return joinedScan(store.view(), pattern, { deadline: Date.now() + 60_000, limit, only });
}

/** The scan plus the per-text confirmation the search service runs on the candidates. */
async function confirmed(docs: Doc[], pattern: string, only: Mode | undefined = 'joined'): Promise<string[]> {
  const found = new Set((await candidates(docs, pattern, 1e9, only)) ?? []);
  const re = new RE2(pattern, 'u');
  return docs.flatMap(([name, readme], i) =>
    found.has(`id${i}`) && (re.test(name) || (readme !== null && re.test(readme))) ? [`id${i}`] : [],
  );
}

async function expectSameAsPerText(docs: Doc[], pattern: string): Promise<void> {
  const truth = perText(docs, pattern);
  for (const only of ['joined', 'single', undefined] as const) {
    const found = new Set((await candidates(docs, pattern, 1e9, only)) ?? []);
    expect(truth.filter((id) => !found.has(id)), `${pattern} (${only ?? 'adaptive'}): matches missing from the candidates`).toEqual([]);
    expect(await confirmed(docs, pattern, only)).toEqual(truth);
  }
}

const filler = (i: number) => `# card ${i}\n\nTrained on public text, evaluated on held-out data. `.repeat(8);

describe('joined regex scan', () => {
  it('uses the byte input of this re2-wasm release (the fallback still gives the same answers)', async () => {
    expect(usesByteInput(new RE2('x', 'u'))).toBe(true);
  });

  it('finds each matching text in a long run of texts, wherever it sits in a window', async () => {
    const docs: Doc[] = Array.from({ length: 3000 }, (_, i) => [`bench-${i}`, filler(i)]);
    for (const i of [0, 1, 777, 1500, 2999]) docs[i] = [`bench-${i}`, `${filler(i)} 7x marks this one`];
    docs[2000] = ['5x', null];
    for (const p of ['[0-9]x', '^[0-9]x$', '(a+)+$', 'x$', '^.{3}$', '[^\\x00-\\x7f]']) await expectSameAsPerText(docs, p);
    expect(await confirmed(docs, '[0-9]x')).toEqual(['id0', 'id1', 'id777', 'id1500', 'id2000', 'id2999']);
  });

  it('confirms away matches that cross from one text into the next', async () => {
    // Joined, "...ab" + "\n" + "cd..." matches b\nc and [b-c]{3}-ish runs; on their own no text does.
    const docs: Doc[] = [['first', 'ends with ab'], ['cd starts this', null], ['zb', 'c'], ['plain', 'b\nc inside one README']];
    expect(await candidates(docs, 'b\\nc')).toEqual(['id0', 'id1', 'id2', 'id3']);
    await expectSameAsPerText(docs, 'b\\nc');
    await expectSameAsPerText(docs, 'b\\sc');
    await expectSameAsPerText(docs, 'b[^a]c');
    // A crossing match must not hide a real match later in the text it ends in.
    const hidden: Doc[] = [['x', 'ab'], ['c then bc', null], ['other', null]];
    await expectSameAsPerText(hidden, 'b\\n?c');
    expect(await confirmed(hidden, 'b\\n?c')).toEqual(['id1']);
  });

  it('keeps per-text anchors: ^ and $ mean the text, not a line inside a README', async () => {
    const docs: Doc[] = [['abc', null], ['xabc', 'line one\nabc\nline three'], ['n', 'abc'], ['abcd', 'abc\n']];
    expect(await confirmed(docs, '^abc$')).toEqual(['id0', 'id2']);
    await expectSameAsPerText(docs, '^abc$');
    await expectSameAsPerText(docs, '^abc');
    await expectSameAsPerText(docs, 'abc$');
    await expectSameAsPerText(docs, '(?m)^abc$'); // multi-line asked for by the pattern itself
    await expectSameAsPerText(docs, '\\babc\\b');
    await expectSameAsPerText(docs, '\\Babc');
  });

  it('handles empty matches and empty texts', async () => {
    const docs: Doc[] = [['a', ''], ['b', null], ['c', 'not empty'], ['d', '\n']];
    expect(await confirmed(docs, '^$')).toEqual(['id0']);
    await expectSameAsPerText(docs, '^$');
    await expectSameAsPerText(docs, 'x*');
    await expectSameAsPerText(docs, '\\b');
    await expectSameAsPerText(docs, '(?:)|z');
    // An empty per-text match at a text's very end, which joined runs on over the `\n` into the next text.
    const edge: Doc[] = [['q', null], ['zz', null], ['w', null]];
    expect(await candidates(edge, '$\\n?z?')).toEqual(['id0', 'id1', 'id2']);
    await expectSameAsPerText(edge, '$\\n?z?');
  });

  it('maps match positions by code point across multi-byte and astral characters', async () => {
    const docs: Doc[] = [
      ['émigré-😀😀', 'naïve 😀 text without the mark'],
      ['日本語', '🎉'.repeat(500) + 'no mark either'],
      ['mark-here', '🎉🎉 then 9x'],
      ['😀', '😀'],
      ['tail', 'ünïcödé 3x'],
    ];
    expect(await confirmed(docs, '[0-9]x')).toEqual(['id2', 'id4']);
    await expectSameAsPerText(docs, '[0-9]x');
    await expectSameAsPerText(docs, '^.$');
    await expectSameAsPerText(docs, '^\\p{So}$');
    await expectSameAsPerText(docs, '[😀🎉]{2}');
    expect(codePointsOf('a😀é\ud800')).toBe(4);
  });

  it('switches between joined and per-text calls without changing the answer', async () => {
    // Dense matches make per-text calls cheaper; the scan may switch modes mid-way.
    const docs: Doc[] = Array.from({ length: 2000 }, (_, i) => [`n${i}`, i % 3 === 0 ? `${filler(i)} q` : filler(i)]);
    await expectSameAsPerText(docs, 'q$');
    await expectSameAsPerText(docs, '[a-z]');
  });

  it('gives up past the candidate limit, and answers 400 past the deadline', async () => {
    const docs: Doc[] = Array.from({ length: 50 }, (_, i) => [`n${i}`, null]);
    expect(await candidates(docs, '^n', 10)).toBeNull();
    expect(await candidates(docs, '^n', 50)).toHaveLength(50);
    const store = new SearchTexts(1 << 20);
    docs.forEach(([name], i) => store.set(`id${i}`, name, null));
    await expect(joinedScan(store.view(), '^n', { deadline: Date.now() - 1, limit: 100 })).rejects.toThrow(ClientError);
  });

  it.each(['\\Aabc', 'abc\\z', '(?-m)^abc', '(?m:^a)$', '(?i-m)x', 'a\\C'])('refuses %j, whose meaning joined texts would change', (p) => {
    expect(joinedScanSafe(p)).toBe(false);
  });

  it.each(['(a+)+$', '^.{3}$', '[0-9]x', '(?i)abc', '(?s:.)', '\\\\A', '\\bx\\B', '(?P<name>x)'])('accepts %j', (p) => {
    expect(joinedScanSafe(p)).toBe(true);
  });

  it('shows why \\A is refused: joined, it would only see the first text', async () => {
    const docs: Doc[] = [['zzz', null], ['abc', null]];
    expect(perText(docs, '\\Aabc')).toEqual(['id1']);
    expect(await candidates(docs, '\\Aabc')).toEqual([]);
  });
});

describe('held search texts', () => {
  it('replaces, deletes, and stops holding past its byte limit until cleared', async () => {
    const store = new SearchTexts(64);
    store.set('a', 'name', 'readme');
    store.set('a', 'name', 'changed readme');
    expect(store.bytes).toBe(Buffer.byteLength('name\nchanged readme'));
    store.delete('a');
    expect(store.bytes).toBe(0);
    store.set('b', 'x', 'y'.repeat(100));
    expect(store.complete).toBe(false);
    expect(store.view().count).toBe(0);
    store.clear();
    expect(store.complete).toBe(true);
  });

  it('keeps every record intact through slot reuse, growth, slab changes and compaction', async () => {
    const store = new SearchTexts(1 << 30);
    const expected = new Map<string, Doc>();
    const put = (id: string, doc: Doc) => {
      store.set(id, doc[0], doc[1]);
      expected.set(id, doc);
    };
    // 3,000 artifacts of ~2 KiB span several 1 MiB slabs; rewriting them all twice forces compaction.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3000; i++) put(`a${i}`, [`name-${i}-${round}`, i % 7 === 0 ? null : `é😀 ${round} `.repeat(200 + (i % 50))]);
      for (let i = 0; i < 3000; i += 5) {
        store.delete(`a${i}`);
        expected.delete(`a${i}`);
      }
    }
    const view = store.view();
    expect(view.count).toBe(expected.size);
    const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
    let bytes = 0;
    for (let i = 0; i < view.count; i++) {
      const doc = expected.get(view.id(i));
      expect(doc).toBeDefined();
      expect([text(view.name(i)), text(view.readme(i))]).toEqual(doc);
      const joined = doc?.[1] === null ? doc[0] : `${doc?.[0]}\n${doc?.[1]}`;
      const copy = Buffer.alloc(view.bytes(i));
      view.copyTo(i, copy, 0);
      expect(copy.toString('utf8')).toBe(joined);
      expect(view.codePoints(i)).toBe(Array.from(joined).length);
      bytes += view.bytes(i);
    }
    expect(store.bytes).toBe(bytes);
  });

  it('keeps a view unchanged while the store is rewritten under it (a scan yields between windows)', async () => {
    const store = new SearchTexts(1 << 30);
    for (let i = 0; i < 2000; i++) store.set(`a${i}`, `old-${i}`, `old readme ${i} `.repeat(100));
    const view = store.view();
    // Rewrites reuse the freed slots and, past as many dead bytes as live ones, move every record to new slabs.
    for (let round = 0; round < 3; round++) for (let i = 0; i < 2000; i++) store.set(`a${i}`, `new-${i}-${round}`, null);
    for (let i = 0; i < 1000; i++) store.delete(`a${i}`);
    expect(view.count).toBe(2000);
    for (let i = 0; i < view.count; i += 97) {
      const n = Number(view.id(i).slice(1));
      expect(Buffer.from(view.name(i)).toString()).toBe(`old-${n}`);
      expect(Buffer.from(view.readme(i) ?? []).toString()).toBe(`old readme ${n} `.repeat(100));
    }
    expect(await joinedScan(view, '^old-1999$', { deadline: Date.now() + 60_000, limit: 10 })).toEqual(['a1999']);
  });
});
