// runService registers telemetry before load() imports the service's code (and with it http, pg, kafkajs).
import { runService } from '@modelguard/runtime/run';

void runService('audit', async () => ({ module: (await import('@modelguard/audit-feature')).AuditModule.forService() }));
