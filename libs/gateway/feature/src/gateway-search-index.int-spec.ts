import { qualifiedTable } from '@modelguard/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchIndex } from './artifacts/search-index';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';

/**
 * The trigram index behind regex search (artifacts/search-index.ts) over real Postgres: it must never hide a match,
 * whoever wrote the row and whenever that transaction committed.
 */
describe('regex search index', () => {
  let app: GatewayTestApp;
  let token: string;
  const create = async (name: string): Promise<CreatedArtifact> => {
    const res = await app.client.call<CreatedArtifact>('POST', '/artifact/dataset', { token, json: { url: `https://huggingface.co/datasets/index/${name}`, name } });
    expect([201, 202]).toContain(res.status);
    return res.body;
  };
  const search = async (regex: string): Promise<string[]> => {
    const res = await app.client.call<Array<{ name: string }>>('POST', '/artifact/byRegEx', { token, json: { regex } });
    if (res.status === 404) return [];
    expect(res.status).toBe(200);
    return res.body.map((m) => m.name).sort();
  };
  const setReadme = (id: string, readme: string) =>
    app.dataSource.query(`UPDATE ${qualifiedTable(app.dataSource, 'artifacts')} SET readme = $2 WHERE id = $1`, [id, readme]);

  beforeAll(async () => {
    app = await startGatewayTestApp();
    token = await loginAsAdmin(app.client);
    for (let i = 0; i < 30; i++) await create(`indexed-${String(i).padStart(3, '0')}`);
  }, 180_000);
  afterAll(async () => app?.close());

  it('answers from the index with exactly what a full scan finds', async () => {
    expect(await search('indexed-01[0-9]')).toEqual(Array.from({ length: 10 }, (_, i) => `indexed-01${i}`));
    expect(app.service.app.get(SearchIndex).size).toBeGreaterThanOrEqual(30);
    // A pattern without literals takes the full scan and agrees.
    expect(await search('^[a-z]+-01[0-9]$')).toEqual(await search('indexed-01[0-9]$'));
  });

  it('answers a case-insensitive pattern from the index with every casing, Kelvin sign and long s included', async () => {
    const upper = await create('CASE-folded-one');
    const kelvin = await create('case-folded-two');
    await setReadme(kelvin.metadata.id, 'Trained on the \u212Aestrel-\u017Fparrow corpus.'); // (?i)k and (?i)s match these
    await create('unrelated-three');
    expect(upper.metadata.name).toBe('CASE-folded-one');
    expect(await search('(?i)case-FOLDED-(one|two)')).toEqual(['CASE-folded-one', 'case-folded-two']);
    expect(await search('(?i)KESTREL-sparrow')).toEqual(['case-folded-two']);
    // The same answers as a scan of every text (a pattern the analysis gives up on).
    expect(await search('(?i-s)case-FOLDED-(one|two)')).toEqual(['CASE-folded-one', 'case-folded-two']);
  });

  it('sees a create at the very next search', async () => {
    for (let i = 0; i < 5; i++) {
      const name = `fresh-${i}-artifact`;
      await create(name);
      expect(await search(`fresh-${i}-art`)).toEqual([name]);
    }
  });

  it('follows README changes made by any writer (a trigger stamps them), and forgets the old text', async () => {
    const target = await create('readme-target');
    await setReadme(target.metadata.id, 'This card mentions zanzibar-quokka twice: zanzibar-quokka.');
    expect(await search('zanzibar-quok+a')).toEqual(['readme-target']);
    await setReadme(target.metadata.id, 'Rewritten: now about marmoset-lemur.');
    expect(await search('zanzibar-quokka')).toEqual([]);
    expect(await search('marmoset-lemur')).toEqual(['readme-target']);
  });

  it('does not skip a write whose transaction commits after a later one was already indexed', async () => {
    const late = await create('late-commit');
    const runner = app.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // This transaction takes its id first...
      await runner.query(`UPDATE ${qualifiedTable(app.dataSource, 'artifacts')} SET readme = 'slow-writer-sentinel' WHERE id = $1`, [late.metadata.id]);
      // ...a later transaction commits and a search indexes it (a "highest id seen" watermark would now pass the first)...
      await create('overtaking-writer');
      expect(await search('overtaking-writer')).toEqual(['overtaking-writer']);
      expect(await search('slow-writer-sentinel')).toEqual([]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    // ...and the first one's change is still found once it commits.
    expect(await search('slow-writer-sentinel')).toEqual(['late-commit']);
  });

  it('answers patterns without literals from the held texts exactly as a per-text scan, across edits and deletes', async () => {
    const a = await create('nolit-a');
    const b = await create('nolit-b');
    const c = await create('nolit-c');
    // Joined with `\n`, "...ends 7" + "x starts..." and a README line "7x" would match [0-9]x; on its own only c does.
    await setReadme(a.metadata.id, 'first line\nends 7');
    await setReadme(b.metadata.id, 'x starts here\nabc');
    await setReadme(c.metadata.id, 'émoji 😀 then 9x');
    expect(await search('[0-9]x')).toEqual(['nolit-c']);
    // ^ and $ are the README's ends, not its lines'.
    expect(await search('^[a-c]{3}$')).toEqual([]);
    expect(await search('^x [a-z]')).toEqual(['nolit-b']);
    expect(await search('(?m)^[a-c]{3}$')).toEqual(['nolit-b']); // inline m: answered by the table scan
    expect(await search('[a-z] [0-9]$')).toEqual(['nolit-a']);
    await setReadme(c.metadata.id, 'no mark now');
    await setReadme(a.metadata.id, '3x');
    expect(await search('[0-9]x')).toEqual(['nolit-a']);
    // \A and \z are answered by the table scan, with the same semantics.
    expect(await search('\\A[0-9]x\\z')).toEqual(['nolit-a']);
    expect((await app.client.call('DELETE', `/artifacts/dataset/${a.metadata.id}`, { token })).status).toBe(200);
    expect(await search('[0-9]x')).toEqual([]);
    expect(app.service.app.get(SearchIndex).heldTextBytes).toBeGreaterThan(0);
  });

  it('drops deleted artifacts from answers and from the index', async () => {
    const doomed = await create('doomed-artifact');
    expect(await search('doomed-art')).toEqual(['doomed-artifact']);
    const index = app.service.app.get(SearchIndex);
    const before = index.size;
    expect((await app.client.call('DELETE', `/artifacts/dataset/${doomed.metadata.id}`, { token })).status).toBe(200);
    expect(await search('doomed-art')).toEqual([]);
    expect(index.size).toBe(before - 1);
  });
});
