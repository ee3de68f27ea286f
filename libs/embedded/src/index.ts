export { startEmbedded, embeddedEntry, type EmbeddedApp, type EmbeddedOptions } from './embedded-app';
export { EMBEDDED_SERVICES, type EmbeddedServiceSpec } from './embedded-services';
