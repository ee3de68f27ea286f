/**
 * The HTTP contract checker used by every gateway HTTP test (libs/gateway/feature/src/testing/contract-client.ts).
 * It lives next to the gateway's test support so the feature lib's tests can use it without reaching outside their
 * project; this re-export is the entry point for contract tests here.
 */
export { OpenApiContract, CONTRACT_DOCUMENTS, type ContractViolation } from '../../libs/gateway/feature/src/testing/openapi-contract';
