// Telemetry must patch http/express/pg before anything imports them.
import '@modelguard/observability/register';
import { GatewayModule } from '@modelguard/gateway-feature';
import { bootstrapService } from '@modelguard/runtime';

void bootstrapService({ service: 'gateway', module: GatewayModule });
