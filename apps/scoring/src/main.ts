import '@modelguard/observability/register';
import { ScoringModule } from '@modelguard/scoring-feature';
import { bootstrapService } from '@modelguard/runtime';

bootstrapService({ service: 'scoring', module: ScoringModule.forService() }).then(
  ({ url }) => process.stdout.write(`scoring listening on ${url}\n`),
  (err: unknown) => {
    process.stderr.write(`scoring failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
