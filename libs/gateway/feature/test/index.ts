/**
 * The gateway's test entry (`@modelguard/gateway-feature/testing`): the HTTP contract checker and client that
 * cross-tier tests under tests/ share with the gateway's own specs. Test-only: it lives outside src/, so the
 * build never compiles it, and it may use dev dependencies (ajv, vitest).
 */
export { CONTRACT_DOCUMENTS, OpenApiContract, type ContractViolation } from './openapi-contract';
export { ContractClient, type CallOptions, type CallResult } from './contract-client';
export { loginAsAdmin, type CreatedArtifact } from './helpers';
export { buildZip } from './zip-test-utils';
export { sampleModelRating, sampleRatingComputed } from './rating-fixtures';
export { startGatewayTestApp, type GatewayTestApp, type GatewayTestAppOptions } from './gateway-test-app';
export { TestClock, registerUser, login, type Session } from './auth-helpers';
