import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { RECENT_LOG_CAPACITY, recentLogs } from './recent-logs';

const quietSink = { write: () => true };

describe('recent log lines', () => {
  it('keeps what loggers write, newest first, filtered by minimum level, service and plain text', () => {
    const a = createLogger('svc-recent-a', { level: 'debug', sink: quietSink });
    const b = createLogger('svc-recent-b', { level: 'debug', sink: quietSink });
    a.debug('alpha debug line');
    a.warn('alpha warning (a+)+', { context: 'Janitor' });
    b.error('beta failure');
    expect(recentLogs.query({ service: 'svc-recent-a' }).map((l) => l.msg)).toEqual(['alpha warning (a+)+', 'alpha debug line']);
    expect(recentLogs.query({ service: 'svc-recent-a', level: 'warn' }).map((l) => [l.level, l.context])).toEqual([['warn', 'Janitor']]);
    // The text filter is a substring, case-insensitive, never a pattern: regex syntax matches itself.
    expect(recentLogs.query({ text: '(A+)+' }).map((l) => l.service)).toEqual(['svc-recent-a']);
    expect(recentLogs.query({ text: 'janitor', service: 'svc-recent-a' })).toHaveLength(1);
    const [newest, older] = recentLogs.query({ limit: 2 });
    expect(newest!.seq).toBeGreaterThan(older!.seq);
  });

  it('does not remember lines below the logger threshold', () => {
    const quiet = createLogger('svc-recent-quiet', { level: 'warn', sink: quietSink });
    quiet.info('not written');
    expect(recentLogs.query({ service: 'svc-recent-quiet' })).toEqual([]);
  });

  it('stays bounded: a flood keeps only the newest lines, each message cut', () => {
    const flood = createLogger('svc-recent-flood', { level: 'info', sink: quietSink });
    for (let i = 0; i < RECENT_LOG_CAPACITY + 50; i++) flood.info(`line ${i} ${'x'.repeat(i === RECENT_LOG_CAPACITY + 49 ? 5000 : 1)}`);
    const all = recentLogs.query({ limit: 5000 });
    expect(all).toHaveLength(RECENT_LOG_CAPACITY);
    expect(all[0]!.msg.length).toBeLessThanOrEqual(1025);
    expect(all.at(-1)!.msg).toMatch(/^line 50 /);
  });
});
