// @ts-check
// A minimal local Hugging Face Hub serving any repo `soak/m<tag>` (info, tree, resolve in the Hub's wire format,
// refs 404 = no tags), so every ingest of the soak is a new model. The tests' fake Hub (libs/testing
// startFakeHuggingFace) serves recorded fixtures only and is TypeScript outside the compiled tree, so this is the
// same shape as bench/hf-mirror's upstream, widened to any number of repos of a few KiB each.
import { createHash } from 'node:crypto';
import http from 'node:http';

const README = Buffer.from('---\nlicense: mit\n---\n# soak model\n\nA tiny safetensors model for the soak benchmark.\n');
const CONFIG = Buffer.from(JSON.stringify({ architectures: ['SoakModel'], hidden_size: 16, model_type: 'bert' }));

/** A valid safetensors file: one U8 tensor of `n` bytes, its content derived from `seed` (distinct per repo). */
function safetensors(seed, n = 4096) {
  const json = JSON.stringify({ __metadata__: { format: 'pt' }, weight: { dtype: 'U8', shape: [n], data_offsets: [0, n] } });
  const header = json + ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(n);
  const digest = createHash('sha256').update(seed).digest();
  for (let i = 0; i < n; i++) data[i] = digest[i % digest.length];
  return Buffer.concat([len, Buffer.from(header), data]);
}

const sha1 = (s) => createHash('sha1').update(s).digest('hex');
const gitOid = (/** @type {Buffer} */ data) => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');

/** @returns {Promise<{ url: string, requests: () => number, close: () => Promise<void> }>} */
export async function startFakeHub() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://hub').pathname);
    const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const m = /^(?:\/api\/models)?\/(soak\/m[a-z0-9]+)(?:\/(.*))?$/.exec(path);
    if (!m) return json(404, { error: 'Repository not found' });
    const [, repo, rest = ''] = m;
    const commit = sha1(repo);
    const files = { 'README.md': README, 'config.json': CONFIG, 'model.safetensors': safetensors(repo) };
    if (path.startsWith('/api/models/')) {
      if (rest === '') return json(200, { _id: commit.slice(0, 24), id: repo, sha: commit, cardData: { license: 'mit' }, siblings: Object.keys(files).map((rfilename) => ({ rfilename })) });
      if (rest.startsWith('tree/')) {
        return json(200, Object.entries(files).map(([p, data]) => ({ type: 'file', path: p, size: data.length, oid: gitOid(data) })));
      }
      return json(404, { error: 'Not found' });
    }
    const file = /^resolve\/[^/]+\/(.+)$/.exec(rest);
    const data = file ? files[/** @type {keyof typeof files} */ (file[1])] : undefined;
    if (data) return res.writeHead(200, { 'content-length': String(data.length), 'x-repo-commit': commit, etag: `"${gitOid(data)}"` }).end(data);
    return json(404, { error: 'Entry not found' });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise((r) => server.close(() => r(undefined))),
  };
}
