// runService registers telemetry before load() imports the services' code (and with it http, pg, kafkajs).
import { runService } from '@modelguard/runtime/run';

/** `npm start`: the whole registry in one process, data kept under DATA_DIR (default ./.data). */
void runService('embedded', async () => (await import('@modelguard/embedded')).embeddedEntry());
