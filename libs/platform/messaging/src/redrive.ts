/**
 * Redrive CLI: republish a dead-letter topic's messages (same eventId) to the original topic.
 *   node dist/libs/platform/messaging/src/redrive.js --topic <topic>.dlt [--group <redrive-group>]
 * Brokers come from KAFKA_BROKERS (comma separated, default 127.0.0.1:9092).
 */
import { redriveKafkaDeadLetters } from './kafka/kafka-redrive';

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const topic = argValue(args, '--topic');
  if (!topic || !topic.endsWith('.dlt')) {
    process.stderr.write('usage: redrive --topic <topic>.dlt [--group <group>]\n');
    return 2;
  }
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  const result = await redriveKafkaDeadLetters({ brokers, clientId: 'modelguard-redrive', dltTopic: topic, groupId: argValue(args, '--group') });
  process.stdout.write(`${JSON.stringify({ topic, ...result })}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`redrive failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
