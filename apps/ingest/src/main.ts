import '@modelguard/observability/register';
import { IngestModule } from '@modelguard/ingest-feature';
import { bootstrapService } from '@modelguard/runtime';

bootstrapService({ service: 'ingest', module: IngestModule.forService() }).then(
  ({ url }) => process.stdout.write(`ingest listening on ${url}\n`),
  (err: unknown) => {
    process.stderr.write(`ingest failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
