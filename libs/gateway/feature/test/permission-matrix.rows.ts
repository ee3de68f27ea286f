import { generateKeyPairSync } from 'node:crypto';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from '../src/auth/actor';
import type { MatrixContext, MatrixRow } from './permission-matrix';
import { buildZip } from './zip-test-utils';

/** An id no artifact has: routes whose allowed answer is "not found" prove the caller got past authorisation. */
const UNKNOWN_ID = '0000000000unknown';

const MATRIX_PROGRAM = 'process.exit(0);\n';

/** A release request id no request has. */
const RELEASE_REQUEST = '00000000-0000-4000-8000-000000000000';

/** An upload session id no session has. */
const UNKNOWN_SESSION = '00000000-0000-4000-8000-00000000beef';

/** Attaches a monitor program to the model (as the fixture admin) and returns the path of its program. */
async function withProgram(ctx: MatrixContext, id: string): Promise<string> {
  const path = `/artifacts/model/${id}/monitor`;
  const res = await ctx.app.client.call('PUT', path, { token: ctx.fixtureAdmin, json: { source: MATRIX_PROGRAM } });
  if (res.status !== 200) throw new Error(`attaching a program failed: ${res.status} ${res.raw.toString()}`);
  return path;
}

/**
 * One row per operation of both OpenAPI documents, keyed `METHOD /template` exactly as the documents write it. The
 * matrix test fails for an operation without a row (add one here when you add a route) and for a row whose
 * operation is gone. A row says only what an allowed call looks like and answers; who is allowed comes from the
 * route's @RequirePermission and the row's `object` scope (see expectedStatus).
 */
export const MATRIX_ROWS: Readonly<Record<string, MatrixRow>> = {
  // --- public -------------------------------------------------------------------------------------------------
  'GET /health': { allowed: 200, request: () => ({ path: '/health' }) },
  'GET /health/components': { allowed: 200, request: () => ({ path: '/health/components' }) },
  'GET /health/live': { allowed: 200, request: () => ({ path: '/health/live' }) },
  'GET /health/ready': { allowed: 200, request: () => ({ path: '/health/ready' }) },
  'GET /metrics': { allowed: 200, request: () => ({ path: '/metrics' }) },
  'GET /tracks': { allowed: 200, request: () => ({ path: '/tracks' }) },
  'GET /signing-keys': { allowed: 200, request: () => ({ path: '/signing-keys' }) },
  // --- uploaders' own signing keys (per caller: a key id the caller does not hold answers 404) ---------------------
  'GET /uploader-keys': { allowed: 200, request: () => ({ path: '/uploader-keys' }) },
  'POST /uploader-keys': {
    allowed: 201,
    request: () => ({ path: '/uploader-keys', json: { public_key_pem: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString() } }),
  },
  'DELETE /uploader-keys/{key_id}': { allowed: 404, request: () => ({ path: `/uploader-keys/${'0'.repeat(64)}` }) },
  'PUT /authenticate': {
    allowed: 200,
    request: () => ({ path: '/authenticate', json: { user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password: DEFAULT_ADMIN_PASSWORD } } }),
  },

  // --- directory and reads ------------------------------------------------------------------------------------
  'POST /artifacts': { allowed: 200, request: () => ({ path: '/artifacts', json: [{ name: '*' }] }) },
  'GET /artifacts/{artifact_type}/{id}': { allowed: 200, request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}` }) },
  'GET /artifact/byName/{name}': { allowed: 200, request: async (ctx, c) => ({ path: `/artifact/byName/${encodeURIComponent((await ctx.sharedArtifact(c)).metadata.name)}` }) },
  'POST /artifact/byRegEx': {
    allowed: 200,
    request: async (ctx, c) => ({ path: '/artifact/byRegEx', json: { regex: `^${(await ctx.sharedArtifact({ ...c, target: 'foreign' })).metadata.name}$` } }),
  },
  'GET /artifact/model/{id}/rate': { allowed: 404, request: async (ctx, c) => ({ path: `/artifact/model/${(await ctx.sharedArtifact(c)).metadata.id}/rate` }) },
  'GET /artifact/{artifact_type}/{id}/cost': { allowed: 404, request: () => ({ path: `/artifact/model/${UNKNOWN_ID}/cost` }) },
  'GET /artifact/{artifact_type}/{id}/audit': { allowed: 404, request: () => ({ path: `/artifact/model/${UNKNOWN_ID}/audit` }) },
  'GET /artifact/model/{id}/lineage': { allowed: 404, request: () => ({ path: `/artifact/model/${UNKNOWN_ID}/lineage` }) },
  'GET /artifacts/{artifact_type}/{id}/lineage': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/lineage` }) },
  'POST /artifact/model/{id}/license-check': {
    allowed: 404,
    request: () => ({ path: `/artifact/model/${UNKNOWN_ID}/license-check`, json: { github_url: 'https://github.com/google-research/bert' } }),
  },
  'GET /artifacts/{artifact_type}/{id}/versions': { allowed: 200, request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/versions` }) },
  'GET /artifacts/{artifact_type}/{id}/scan-report': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/scan-report` }) },
  // No scanner runs in the test app, so an allowed download meets the scan gate: 409 (pending), past authorisation.
  'GET /artifacts/{artifact_type}/{id}/download': { allowed: 409, request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/download` }) },
  // The bundle has the download's gates, so the same pending scan answers 409 past authorisation.
  'GET /artifacts/{artifact_type}/{id}/signature': { allowed: 409, request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/signature` }) },
  'GET /artifacts/{artifact_type}/{id}/files/{path}': {
    allowed: 409,
    request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/files/README.md` }),
  },

  // --- writes -------------------------------------------------------------------------------------------------
  'POST /artifact/{artifact_type}': { allowed: 201, request: (ctx) => ({ path: '/artifact/model', json: { url: `https://huggingface.co/matrix/${ctx.unique('created')}` } }) },
  'POST /artifact/{artifact_type}/package': {
    allowed: 201,
    request: async (ctx) => ({ path: `/artifact/model/package?name=${ctx.unique('uploaded')}`, rawBody: await buildZip({ 'README.md': 'matrix' }), contentType: 'application/zip' }),
  },
  // Resumable uploads: a session is its creator's alone (anyone else's, like an unknown one, answers 404).
  'POST /upload-sessions': { allowed: 201, request: (ctx) => ({ path: '/upload-sessions', json: { type: 'model', name: ctx.unique('session'), total_bytes: 100 } }) },
  'GET /upload-sessions/{session_id}': { allowed: 404, request: () => ({ path: `/upload-sessions/${UNKNOWN_SESSION}` }) },
  'PATCH /upload-sessions/{session_id}': {
    allowed: 404,
    request: () => ({ path: `/upload-sessions/${UNKNOWN_SESSION}`, rawBody: Buffer.from('chunk'), contentType: 'application/offset+octet-stream' }),
  },
  'DELETE /upload-sessions/{session_id}': { allowed: 404, request: () => ({ path: `/upload-sessions/${UNKNOWN_SESSION}` }) },
  'POST /upload-sessions/{session_id}/complete': { allowed: 404, request: () => ({ path: `/upload-sessions/${UNKNOWN_SESSION}/complete` }) },
  'PUT /artifacts/{artifact_type}/{id}': {
    allowed: 200,
    object: 'artifact',
    request: async (ctx, c) => {
      const a = await ctx.sharedArtifact(c);
      return { path: `/artifacts/model/${a.metadata.id}`, json: { metadata: a.metadata, data: { url: `https://huggingface.co/matrix/${ctx.unique('updated')}` } } };
    },
  },
  'PUT /artifacts/{artifact_type}/{id}/package': {
    allowed: 200,
    object: 'artifact',
    request: async (ctx, c) => ({
      path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/package`,
      rawBody: await buildZip({ 'README.md': ctx.unique('version') }),
      contentType: 'application/zip',
    }),
  },
  'DELETE /artifacts/{artifact_type}/{id}': { allowed: 200, object: 'artifact', request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.freshArtifact(c)).metadata.id}` }) },
  'POST /artifacts/{artifact_type}/{id}/versions/{version}/override': {
    allowed: 404,
    request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/versions/1.0.0/override`, json: { reason: 'permission matrix' } }),
  },
  'DELETE /reset': { allowed: 200, request: () => ({ path: '/reset' }) },
  'GET /artifacts/PackageConfusionAudit': { allowed: 200, request: () => ({ path: '/artifacts/PackageConfusionAudit' }) },
  // No audit service runs in the matrix app: a filter the contract refuses (400) shows the call got past authorisation.
  'GET /audit/entries': { allowed: 400, request: () => ({ path: '/audit/entries?action=NOT-AN-ACTION' }) },
  // Past authorisation the gateway asks the audit service, which the matrix app does not configure: 502.
  'GET /audit/verify': { allowed: 502, request: () => ({ path: '/audit/verify' }) },
  // A filter the gateway refuses (400) before it opens the stream shows the call got past authorisation.
  'GET /audit/stream': { allowed: 400, request: () => ({ path: '/audit/stream?action=NOT-AN-ACTION' }) },
  'GET /logs/recent': { allowed: 200, request: () => ({ path: '/logs/recent?level=info&limit=5' }) },

  // --- sensitive models (the monitor rows attach a program as the fixture admin first) ----------------------------
  'GET /artifacts/model/{id}/sensitive': { allowed: 200, request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/sensitive` }) },
  'PUT /artifacts/model/{id}/sensitive': { allowed: 200, object: 'artifact', request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/sensitive` }) },
  'DELETE /artifacts/model/{id}/sensitive': { allowed: 200, object: 'artifact', request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/sensitive` }) },
  'GET /artifacts/model/{id}/monitor': { allowed: 200, request: async (ctx, c) => ({ path: await withProgram(ctx, (await ctx.sharedArtifact(c)).metadata.id) }) },
  'PUT /artifacts/model/{id}/monitor': {
    allowed: 200,
    object: 'artifact',
    request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/monitor`, json: { source: MATRIX_PROGRAM } }),
  },
  'DELETE /artifacts/model/{id}/monitor': { allowed: 200, object: 'artifact', request: async (ctx, c) => ({ path: await withProgram(ctx, (await ctx.freshArtifact(c)).metadata.id) }) },
  'GET /artifacts/model/{id}/download-history': {
    allowed: 200,
    object: 'artifact',
    request: async (ctx, c) => ({ path: `/artifacts/model/${(await ctx.sharedArtifact(c)).metadata.id}/download-history` }),
  },

  // --- accounts and tokens ------------------------------------------------------------------------------------
  'DELETE /authenticate': { allowed: 200, request: async (ctx, c) => ({ path: '/authenticate', token: c.session === null ? c.token : await ctx.relogin(c.session) }) },
  'POST /users': { allowed: 201, request: (ctx) => ({ path: '/users', json: { user: { name: ctx.unique('registered') }, secret: { password: 'matrix-password' }, permissions: ['search'] } }) },
  'GET /users': { allowed: 200, request: () => ({ path: '/users' }) },
  'GET /users/{name}': { allowed: 200, object: 'account', request: (ctx, c) => ({ path: `/users/${ctx.account(c).name}` }) },
  'GET /users/{name}/tokens': { allowed: 200, object: 'account', request: (ctx, c) => ({ path: `/users/${ctx.account(c).name}/tokens` }) },
  // --- quotas (issue 17.5): own usage or any as an admin; overrides and the list are admin-only --------------------
  'GET /users/{name}/usage': { allowed: 200, object: 'account', request: (ctx, c) => ({ path: `/users/${ctx.account(c).name}/usage` }) },
  'PUT /users/{name}/quota': { allowed: 200, request: (ctx, c) => ({ path: `/users/${ctx.account(c).name}/quota`, json: { storage_bytes: null } }) },
  'GET /quotas': { allowed: 200, request: () => ({ path: '/quotas' }) },
  // --- scanner policy (issue 16): admin-only; the matrix writes the empty list, which is the default policy ----------
  'GET /scanner-policy': { allowed: 200, request: () => ({ path: '/scanner-policy' }) },
  'PUT /scanner-policy/allowed-imports': { allowed: 200, request: () => ({ path: '/scanner-policy/allowed-imports', json: { allowed_imports: [] } }) },
  // --- performance workload (issue 13.4): admin-only; a bounds refusal (400) proves the call got past authorisation
  // without starting a run, and an unknown run id answers 404 -------------------------------------------------------
  'POST /performance-workload': { allowed: 400, request: () => ({ path: '/performance-workload', json: { artifact_id: UNKNOWN_ID, clients: 100_000 } }) },
  'GET /performance-workload/{run_id}': { allowed: 404, request: () => ({ path: `/performance-workload/${RELEASE_REQUEST}` }) },
  'DELETE /users/{name}': {
    allowed: 200,
    object: 'account',
    request: async (ctx, c) => {
      const victim = await ctx.freshAccount(c);
      return { path: `/users/${victim.name}`, token: c.target === 'own' && c.session !== null ? victim.token : c.token };
    },
  },
  'DELETE /users/{name}/tokens': {
    allowed: 200,
    object: 'account',
    request: async (ctx, c) => {
      const victim = await ctx.freshAccount(c);
      return { path: `/users/${victim.name}/tokens`, token: c.target === 'own' && c.session !== null ? victim.token : c.token };
    },
  },
  'DELETE /users/{name}/tokens/{token_id}': {
    allowed: 200,
    object: 'account',
    request: async (ctx, c) => {
      const account = ctx.account(c);
      return { path: `/users/${account.name}/tokens/${ctx.tokenId(await ctx.relogin(account))}` };
    },
  },
  // The HF mirror answers only hf_ tokens (Authorization: Bearer hf_…): every registry session, and no token, is a 401.
  'GET /api/models/{path}': { allowed: 401, request: () => ({ path: '/api/models/matrix-org/matrix-model' }) },
  'GET /api/datasets/{path}': { allowed: 401, request: () => ({ path: '/api/datasets/matrix-org/matrix-data/tree/main' }) },
  'POST /api/models/{path}': { allowed: 401, request: () => ({ path: '/api/models/matrix-org/matrix-model/paths-info/main', json: { paths: ['config.json'] } }) },
  'POST /api/datasets/{path}': { allowed: 401, request: () => ({ path: '/api/datasets/matrix-org/matrix-data/paths-info/main', json: { paths: ['x'] } }) },
  'GET /datasets/{org}/{name}/resolve/{revision}/{path}': { allowed: 401, request: () => ({ path: '/datasets/matrix-org/matrix-data/resolve/main/x.csv' }) },
  'GET /datasets/{name}/resolve/{revision}/{path}': { allowed: 401, request: () => ({ path: '/datasets/matrix-data/resolve/main/x.csv' }) },
  'GET /{org}/{name}/resolve/{revision}/{path}': { allowed: 401, request: () => ({ path: '/matrix-org/matrix-model/resolve/main/config.json' }) },
  'GET /{name}/resolve/{revision}/{path}': { allowed: 401, request: () => ({ path: '/matrix-model/resolve/main/config.json' }) },
  // HF mirror tokens (hf-mirror/): an admin mints the token a revoke row revokes, so every caller has one to revoke.
  'GET /users/{name}/hf-tokens': { allowed: 200, object: 'account', request: (ctx, c) => ({ path: `/users/${ctx.account(c).name}/hf-tokens` }) },
  'POST /users/{name}/hf-tokens': { allowed: 201, object: 'account', request: (ctx, c) => ({ path: `/users/${ctx.account(c).name}/hf-tokens`, json: { label: 'matrix' } }) },
  'DELETE /users/{name}/hf-tokens/{token_id}': {
    allowed: 200,
    object: 'account',
    request: async (ctx, c) => {
      const account = ctx.account(c);
      const minted = await ctx.app.client.call<{ id: string }>('POST', `/users/${account.name}/hf-tokens`, { token: ctx.fixtureAdmin, json: {} });
      if (minted.status !== 201) throw new Error(`minting an hf token failed: ${minted.status} ${minted.raw.toString()}`);
      return { path: `/users/${account.name}/hf-tokens/${minted.body.id}` };
    },
  },

  // --- release aliases (an unknown model: an allowed caller gets past authorisation to "not found") -------------
  'GET /artifacts/model/{id}/aliases': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases` }) },
  'GET /artifacts/model/{id}/aliases/{alias}': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases/production` }) },
  'POST /artifacts/model/{id}/aliases/{alias}/requests': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases/production/requests`, json: { version: '1.0.0' } }) },
  'POST /artifacts/model/{id}/aliases/{alias}/rollback': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases/production/rollback` }) },
  'GET /artifacts/model/{id}/aliases/{alias}/download': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases/production/download` }) },
  'GET /artifacts/model/{id}@{alias}': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}@production` }) },
  'GET /artifacts/model/{id}@{alias}/download': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}@production/download` }) },
  'POST /artifacts/model/{id}/aliases/{alias}/deployment-tokens': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases/production/deployment-tokens`, json: {} }) },
  'GET /artifacts/model/{id}/aliases/{alias}/deployment-pulls': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/aliases/production/deployment-pulls` }) },
  'GET /artifacts/model/{id}/release-requests': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/release-requests` }) },
  'GET /artifacts/model/{id}/release-requests/{request_id}': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/release-requests/${RELEASE_REQUEST}` }) },
  'POST /artifacts/model/{id}/release-requests/{request_id}/approve': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/release-requests/${RELEASE_REQUEST}/approve` }) },
  'POST /artifacts/model/{id}/release-requests/{request_id}/reject': { allowed: 404, request: () => ({ path: `/artifacts/model/${UNKNOWN_ID}/release-requests/${RELEASE_REQUEST}/reject`, json: {} }) },
};

/** Rows that must run last: resetting the registry deletes the callers' accounts. */
export const RUN_LAST: readonly string[] = ['DELETE /reset'];
