import { Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator } from '@modelguard/observability';

/**
 * Readiness component `shutdown`: ok while the service runs, critical from the first moment of a graceful
 * shutdown. It flips before the port stops accepting, so a load balancer that probes on a kept-alive connection
 * drops this replica before its connections are refused, and the drain is visible on /health.
 */
@Injectable()
export class ShutdownReadiness implements HealthIndicator {
  readonly id = 'shutdown';
  readonly displayName = 'Shutdown';
  readonly description = 'Critical once the process has begun its graceful shutdown.';
  private since: number | undefined;

  /** Called once by the graceful shutdown, before anything is stopped. */
  begin(): void {
    this.since ??= Date.now();
  }

  get shuttingDown(): boolean {
    return this.since !== undefined;
  }

  async check(): Promise<ComponentHealth> {
    if (this.since === undefined) return { status: 'ok' };
    return { status: 'critical', description: `shutting down (draining since ${new Date(this.since).toISOString()})` };
  }
}
