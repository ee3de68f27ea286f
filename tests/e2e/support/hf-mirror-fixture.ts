import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import { type FakeGitHub, type FakeHuggingFace, type FakeHuggingFaceOptions, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { RegistryClient } from './registry-client';

/** pickle.dumps only (never loads): what `torch.save` of an object with a hostile __reduce__ produces. */
export const maliciousPickle = (): Buffer =>
  execFileSync('python3', ['-c', "import os,pickle,sys\nclass P:\n    def __reduce__(self): return (os.system, ('echo pwned',))\nsys.stdout.buffer.write(pickle.dumps(P(), protocol=2))"]);

export const TINY_ENCODER_CARD = '---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# tiny encoder\n\nA small test encoder for the ModelGuard HF mirror.\n';

/**
 * The two repos the mirror suites pull under `org`: a benign tiny encoder (card, config, a nested file, an empty
 * file and generated safetensors weights of `weightBytes`) and a model whose weights are a hostile pickle.
 */
export function benignAndEvilModels(org: string, weightBytes: number): { benign: string; evil: string; models: NonNullable<FakeHuggingFaceOptions['models']> } {
  const benign = `${org}/tiny-encoder`;
  const evil = `${org}/evil-pickle`;
  return {
    benign,
    evil,
    models: [
      {
        id: benign,
        files: { 'README.md': TINY_ENCODER_CARD, 'config.json': '{"hidden_size": 8, "model_type": "bert"}', 'tokenizer/vocab.txt': '[PAD]\n[UNK]\nhello\n', 'empty.txt': '' },
        generated: [{ path: 'model.safetensors', size: weightBytes, format: 'safetensors' }],
      },
      { id: evil, files: { 'README.md': '# evil\n', 'config.json': '{}', 'pytorch_model.bin': maliciousPickle() } },
    ],
  };
}

export interface HfMirrorFixtureOptions {
  /** The fake Hub's repos (default: all recorded fixtures). */
  hub?: FakeHuggingFaceOptions;
  /** Also start the fake GitHub (the scoring service looks up code repos named in cards). */
  github?: boolean;
  /** Where the registry ingests from, when something (a holding proxy) sits in front of the fake Hub. */
  upstreamUrl?: (hub: FakeHuggingFace) => Promise<string> | string;
  /** Extra environment of the embedded registry, over the defaults below. */
  env?: Record<string, string>;
  /** Mint an `hf_` personal access token for the admin (the Hub clients' credential). Default true. */
  hfToken?: boolean;
}

export interface HfMirrorFixture {
  hf: FakeHuggingFace;
  gh: FakeGitHub | undefined;
  app: EmbeddedApp;
  /** The admin's registry token (`X-Authorization`). */
  admin: string;
  /** The admin's `hf_` token ('' when not minted). */
  accessToken: string;
  /** The minting response, for contract checks. */
  minted: { status: number; contentType: string | null; body: unknown } | undefined;
  /** Requests the fake Hub saw whose path names the repo. */
  upstreamHits(repo: string): number;
  close(): Promise<void>;
}

/**
 * One fake Hugging Face Hub (the unreachable outside world, in its real wire format) and one embedded registry
 * (`npm start`'s composition) ingesting from it, with an admin session and an `hf_` token: what every HF-mirror and
 * ingest-gate e2e spec starts from. One boot per spec file; the spec's cases share it.
 */
export async function startHfMirrorFixture(options: HfMirrorFixtureOptions = {}): Promise<HfMirrorFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-hf-e2e-'));
  let hf: FakeHuggingFace | undefined;
  let gh: FakeGitHub | undefined;
  let app: EmbeddedApp | undefined;
  const close = async (): Promise<void> => {
    await app?.close();
    await hf?.close();
    await gh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    hf = await startFakeHuggingFace(options.hub);
    const hub = hf;
    if (options.github === true) gh = await startFakeGitHub();
    const env: Record<string, string | undefined> = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      HF_ENDPOINT: options.upstreamUrl === undefined ? hub.url : await options.upstreamUrl(hub),
      UPSTREAM_ALLOW_PRIVATE: 'true',
      ...(gh === undefined ? {} : { GITHUB_API_URL: gh.url }),
      ...options.env,
    };
    app = await startEmbedded({ env, httpPort: 0 });
    const admin = await new RegistryClient(app.url).login();
    let accessToken = '';
    let minted: HfMirrorFixture['minted'];
    if (options.hfToken !== false) {
      const res = await fetch(`${app.url}/users/${DEFAULT_ADMIN_NAME}/hf-tokens`, {
        method: 'POST',
        headers: { 'x-authorization': admin, 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'e2e laptop' }),
      });
      const body = (await res.json()) as { token?: string };
      if (res.status !== 201 || typeof body.token !== 'string') throw new Error(`minting an hf_ token failed: ${res.status} ${JSON.stringify(body)}`);
      accessToken = body.token;
      minted = { status: res.status, contentType: res.headers.get('content-type'), body };
    }
    return { hf: hub, gh, app, admin, accessToken, minted, upstreamHits: (repo) => hub.requests.filter((r) => r.path.includes(repo)).length, close };
  } catch (error: unknown) {
    await close();
    throw error;
  }
}
