import { bootstrapService } from '@modelguard/runtime';
import { ScanModule } from './scan.module';

// A worker that cannot start (database down, bad settings) must exit non-zero so the supervisor restarts it.
bootstrapService({ service: 'scan', module: ScanModule }).catch((error: unknown) => {
  process.stderr.write(`scan service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
