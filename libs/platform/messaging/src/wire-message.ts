/**
 * A message as it travels on either transport: the JSON-encoded envelope as value, the envelope's key as
 * partition key, string headers (envelope fields mirrored, trace context, attempt/DLT details).
 */
export interface WireMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A message as a consumer receives it: possibly malformed (hostile or buggy producers). */
export interface IncomingMessage {
  topic: string;
  key: string | null;
  value: string | Buffer | null;
  headers: Record<string, string>;
  /** Keeps the consumer's group membership alive during slow handlers (Kafka only). */
  heartbeat?: () => Promise<void>;
}
