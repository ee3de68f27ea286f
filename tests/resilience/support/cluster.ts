import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const script = resolve(__dirname, '../../../tools/kafka/kafka-cluster.sh');

/** The three-broker cluster of tools/kafka/kafka-cluster.sh (started by scripts/test-resilience.sh). */
export const cluster = {
  /** SIGKILL one broker (1..3): no controlled shutdown, its partitions' leadership must move. */
  kill(node: 1 | 2 | 3): void {
    execFileSync('bash', [script, 'kill-node', String(node)], { stdio: 'inherit' });
  },
  /** Starts a killed broker again on its old data and waits until it serves. */
  start(node: 1 | 2 | 3): void {
    execFileSync('bash', [script, 'start-node', String(node)], { stdio: 'inherit', timeout: 120_000 });
  },
  brokers(): string[] {
    return execFileSync('bash', [script, 'brokers']).toString().trim().split(',');
  },
};

/** Prints one measured figure in a grep-able form (`[resilience] name: value`); figures are printed, never asserted. */
export function figure(name: string, value: string | number): void {
  console.info(`[resilience] ${name}: ${value}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
