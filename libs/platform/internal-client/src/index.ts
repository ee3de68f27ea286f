export { InternalClient, type InternalClientOptions } from './internal-client';
export { InternalQueryError, isInternalQueryError, type InternalQueryFailure } from './internal-query.error';
