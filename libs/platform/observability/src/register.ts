/**
 * Side-effect entry point: `import '@modelguard/observability/register'` as the FIRST line of every
 * main.ts. Instrumentations patch modules when they are required, so this must run before Nest,
 * pg, kafkajs or ioredis are loaded. It reads env directly because config is loaded later.
 */
import { resolveServiceName } from './telemetry/service-name';
import { startTelemetry } from './telemetry/telemetry';

const disabled = ['1', 'true'].includes((process.env['OTEL_SDK_DISABLED'] ?? '').toLowerCase());
if (!disabled) {
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const exportEnabled = !['false', '0', 'no', 'off'].includes((process.env['OTEL_ENABLED'] ?? (endpoint ? 'true' : 'false')).toLowerCase());
  startTelemetry({ serviceName: resolveServiceName(), otlpEndpoint: exportEnabled && endpoint ? endpoint : undefined });
}
