// runService registers telemetry before load() imports the service's code (and with it http, pg, kafkajs).
import { runService } from '@modelguard/runtime/run';

void runService('gateway', async () => {
  const { GatewayModule, gatewayReadyMessage } = await import('@modelguard/gateway-feature');
  return { module: GatewayModule, readyMessage: gatewayReadyMessage };
});
