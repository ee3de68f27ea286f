import type { Level } from './log-record';
import { LEVELS } from './log-record';

/** One remembered log line: the fields a person filters by, not the whole record. */
export interface RecentLogLine {
  /** Increasing within this process, so a client can ask for lines after one it has seen. */
  seq: number;
  time: string;
  level: Level;
  service: string;
  msg: string;
  context?: string;
}

export interface RecentLogQuery {
  /** Minimum level. */
  level?: Level;
  /** Exact service name. */
  service?: string;
  /** Case-insensitive substring of the message or context (plain text, never a pattern). */
  text?: string;
  /** Newest lines returned at most (1..RECENT_LOG_CAPACITY). */
  limit?: number;
}

/** Lines kept per process: about 1000 × (at most) 1 KiB of message, so the buffer stays well under 2 MiB. */
export const RECENT_LOG_CAPACITY = 1000;
const MAX_MSG = 1024;

/**
 * A bounded ring of the newest log lines written by this process (every service that runs in it, so in embedded
 * mode all six). Filled by the JSON logger as it writes, read by the gateway's admin log endpoint; the full lines
 * still go to stdout for the platform to collect. Bounded by count and by message length, so a log flood costs a
 * constant amount of memory and a read costs one pass over at most RECENT_LOG_CAPACITY entries.
 */
class RecentLogs {
  private readonly ring: (RecentLogLine | undefined)[] = new Array<RecentLogLine | undefined>(RECENT_LOG_CAPACITY);
  private next = 0;
  private seq = 0;

  record(level: Level, service: string, msg: string, context: unknown): void {
    this.seq += 1;
    const line: RecentLogLine = { seq: this.seq, time: new Date().toISOString(), level, service, msg: msg.length > MAX_MSG ? `${msg.slice(0, MAX_MSG)}…` : msg };
    if (typeof context === 'string') line.context = context.slice(0, 200);
    this.ring[this.next] = line;
    this.next = (this.next + 1) % RECENT_LOG_CAPACITY;
  }

  /** Matching lines, newest first. */
  query(q: RecentLogQuery = {}): RecentLogLine[] {
    const min = q.level ? LEVELS[q.level] : 0;
    const text = q.text?.toLowerCase();
    const limit = Math.min(Math.max(q.limit ?? 200, 1), RECENT_LOG_CAPACITY);
    const out: RecentLogLine[] = [];
    for (let i = 1; i <= RECENT_LOG_CAPACITY && out.length < limit; i++) {
      const line = this.ring[(this.next - i + RECENT_LOG_CAPACITY) % RECENT_LOG_CAPACITY];
      if (!line) break;
      if (LEVELS[line.level] < min) continue;
      if (q.service !== undefined && line.service !== q.service) continue;
      if (text !== undefined && !line.msg.toLowerCase().includes(text) && !(line.context ?? '').toLowerCase().includes(text)) continue;
      out.push(line);
    }
    return out;
  }
}

/** The process-wide buffer (one per process, like stdout). */
export const recentLogs = new RecentLogs();
