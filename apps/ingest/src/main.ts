import '@modelguard/observability/register';
import { IngestModule, ingestSettingsFromEnv } from '@modelguard/ingest-feature';
import { bootstrapService } from '@modelguard/runtime';

// The app is the one place that reads INGEST_* from the environment; bad values fail the start (exit 1).
Promise.resolve()
  .then(() => bootstrapService({ service: 'ingest', module: IngestModule.forService({ settings: ingestSettingsFromEnv(process.env) }) }))
  .then(
    ({ url }) => process.stdout.write(`ingest listening on ${url}\n`),
    (err: unknown) => {
      process.stderr.write(`ingest failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
