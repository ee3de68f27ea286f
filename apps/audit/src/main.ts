import '@modelguard/observability/register';
import { AuditModule } from '@modelguard/audit-feature';
import { bootstrapService } from '@modelguard/runtime';

bootstrapService({ service: 'audit', module: AuditModule.forService() }).then(
  ({ url }) => process.stdout.write(`audit listening on ${url}\n`),
  (err: unknown) => {
    process.stderr.write(`audit failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
