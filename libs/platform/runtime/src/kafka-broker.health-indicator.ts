import { Kafka, logLevel } from 'kafkajs';
import type { HealthIndicator, ComponentHealth } from '@modelguard/observability';
import { kafkaClientConfig } from '@modelguard/messaging';

/**
 * Can this process reach a Kafka broker right now? The producer connects lazily and the consumer reconnects on
 * its own, so neither says "the broker is gone" promptly; readiness (/health/ready) asks this instead. Each check
 * bootstraps a fresh admin connection (one metadata round trip, no retries), so a broker that went away is seen
 * on the next probe rather than after kafkajs's reconnect backoff, and one that came back is seen as soon as it
 * answers.
 */
export class KafkaBrokerHealthIndicator implements HealthIndicator {
  readonly id = 'kafka-broker';
  readonly displayName = 'Kafka brokers';
  readonly description = 'Whether a bootstrap broker answers a metadata request.';
  private readonly kafka: Kafka;

  constructor(brokers: string[], clientId: string, timeoutMs = 2_000) {
    const base = kafkaClientConfig({ brokers, clientId: `${clientId}-health` });
    // Silent: an unreachable broker is reported by this indicator, not as a kafkajs error line on every probe.
    this.kafka = new Kafka({ ...base, connectionTimeout: timeoutMs, requestTimeout: timeoutMs, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  }

  async check(): Promise<ComponentHealth> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    const started = Date.now();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { status: 'ok', metrics: { brokers: cluster.brokers.length, latencyMs: Date.now() - started } };
    } catch (err) {
      return { status: 'critical', description: `no broker answers: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
