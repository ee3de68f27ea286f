export * from './envelope';
export * from './common';
export * from './model-rating';
export * from './topics';
export * from './events';
export * from './queries';
export { SERVICE_NAMES, type ServiceName } from './catalogue/service-name';
export { defineEvent, eventFolderOf, type EventContract } from './catalogue/event-contract';
export {
  defineQuery,
  pathParamsOf,
  queryPathOf,
  type QueryContract,
  type QueryRequestOf,
  type QueryResultOf,
  type QuerySuccessStatus,
} from './catalogue/query-contract';
export {
  ARCHITECTURE_BLOCK_BEGIN,
  ARCHITECTURE_BLOCK_END,
  renderArchitectureBlock,
  renderArchitectureMermaid,
  replaceArchitectureBlock,
} from './catalogue/architecture-diagram';
