// The tools/kafka scripts wait for new topics with the same routine as the tests and services: the built copy of
// libs/platform/messaging/src/kafka/kafka-topic-readiness.ts (see there for why creating a topic on KRaft needs
// a wait). dist/ is CommonJS, so it is loaded with require; run `node scripts/build.mjs` first, as `npm test`
// and the compose `kafka-init` service do.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtJs = join(root, 'dist', 'libs', 'platform', 'messaging', 'src', 'kafka', 'kafka-topic-readiness.js');
if (!existsSync(builtJs)) {
  console.error(`[kafka] ${builtJs} is missing: build first (node scripts/build.mjs)`);
  process.exit(1);
}
const built = createRequire(import.meta.url)(builtJs);

export const createTopicsAndWait = built.createKafkaTopicsAndWait;
export const waitForTopicsReady = built.waitForKafkaTopicsReady;
export const retryWhileNotReady = built.retryWhileNotReady;
export const isRetriableKafkaError = built.isRetriableKafkaError;
