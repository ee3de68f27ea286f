import type { SpawnedService } from '@modelguard/testing';
import { Kafka, logLevel } from 'kafkajs';

/**
 * What the cluster and the services looked like when a resilience expectation failed: every consumer group's state,
 * members and lag per partition, and the tail of each service's log. A failed chaos run is rarely reproducible, so
 * the failure message has to carry what is needed to explain it.
 */
export async function clusterDiagnostics(brokers: string[], services: SpawnedService[], logTail = 6_000): Promise<string> {
  const lines: string[] = [];
  const admin = new Kafka({ brokers, clientId: 'resilience-diagnostics', logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.listGroups();
    const described = await admin.describeGroups(groups.map((g) => g.groupId));
    for (const group of described.groups) {
      lines.push(`group ${group.groupId}: ${group.state}, ${group.members.length} member(s) ${group.members.map((m) => m.clientId).join(' ')}`);
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group.groupId })) {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
        const lag = partitions.map((p) => {
          const end = ends.get(p.partition);
          return `p${p.partition} committed ${p.offset} end ${end?.high ?? '?'}`;
        });
        lines.push(`  ${topic}: ${lag.join('; ')}`);
      }
    }
  } catch (err) {
    lines.push(`(consumer groups not readable: ${err instanceof Error ? err.message : String(err)})`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  for (const service of services) {
    lines.push(`----- ${service.name} (pid ${service.pid}, exit ${service.child.exitCode ?? service.child.signalCode ?? 'running'}): last ${logTail} chars -----`);
    lines.push(service.output().slice(-logTail));
  }
  return lines.join('\n');
}

/** Runs `check`; when it throws, prints the diagnostics before re-throwing, so the failure explains itself. */
export async function withDiagnostics<T>(brokers: string[], services: SpawnedService[], check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    console.error(`[resilience] diagnostics at failure:\n${await clusterDiagnostics(brokers, services)}`);
    throw err;
  }
}
