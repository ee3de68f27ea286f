/**
 * The ingest feature's test entry (`@modelguard/ingest-feature/testing`) for cross-tier tests under tests/.
 * Test-only: it lives outside src/, so the build never compiles it.
 */
export { startGatedUpstream, type GatedUpstream } from './gated-upstream';
