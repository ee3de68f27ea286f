/**
 * The HTTP contract checker used by every gateway HTTP test (libs/gateway/feature/test/contract-client.ts).
 * It lives in the gateway's test folder so the feature lib's tests can use it without reaching outside their
 * project; contract tests here reach it through the gateway's test entry.
 */
export { OpenApiContract, CONTRACT_DOCUMENTS, type ContractViolation } from '@modelguard/gateway-feature/testing';
