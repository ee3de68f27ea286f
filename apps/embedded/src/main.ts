import '@modelguard/observability/register';
import { startEmbedded } from './embedded-app';

/** `npm start`: the whole registry in one process, data kept under DATA_DIR (default ./.data). */
startEmbedded().then(
  (app) => {
    process.stdout.write(`ModelGuard (embedded) listening on ${app.url}\n`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      app.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (err: unknown) => {
    process.stderr.write(`embedded start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
