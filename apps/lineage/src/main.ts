// runService registers telemetry before load() imports the service's code (and with it http, pg, kafkajs).
import { runService } from '@modelguard/runtime/run';

void runService('lineage', async () => ({ module: (await import('@modelguard/lineage-feature')).LineageModule.forService() }));
