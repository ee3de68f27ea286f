import '@modelguard/observability/register';
import { LineageModule } from '@modelguard/lineage-feature';
import { bootstrapService } from '@modelguard/runtime';

bootstrapService({ service: 'lineage', module: LineageModule.forService() }).then(
  ({ url }) => process.stdout.write(`lineage listening on ${url}\n`),
  (err: unknown) => {
    process.stderr.write(`lineage failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
