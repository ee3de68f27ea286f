import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdownTelemetry, startTelemetry } from '../telemetry/telemetry';
import { JsonNestLogger } from './json-nest-logger';
import { createLogger, type LogSink } from './logger';

class MemorySink implements LogSink {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

beforeAll(() => startTelemetry({ serviceName: 'logger-test', instrument: false }));
afterAll(() => shutdownTelemetry());

describe('createLogger', () => {
  it('writes one JSON line per record with the standard fields', () => {
    const sink = new MemorySink();
    createLogger('gateway', { sink }).info('hello', { artifactId: 'a1', size: 3 });
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]!.endsWith('\n')).toBe(true);
    expect(sink.lines[0]!.trimEnd()).not.toContain('\n');
    const rec = sink.records()[0]!;
    expect(rec).toMatchObject({ level: 'info', service: 'gateway', msg: 'hello', artifactId: 'a1', size: 3 });
    expect(new Date(rec['time'] as string).toISOString()).toBe(rec['time']);
    expect(rec['trace_id']).toBeUndefined();
  });

  it('stamps trace_id and span_id of the active span', () => {
    const sink = new MemorySink();
    const logger = createLogger('gateway', { sink });
    const tracer = trace.getTracer('test');
    const ids = tracer.startActiveSpan('op', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.traceId).not.toBe('0'.repeat(32)); // a real (not no-op) span
    expect(sink.records()[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('filters by level and child loggers carry their fields', () => {
    const sink = new MemorySink();
    const logger = createLogger('scan', { sink, level: 'warn' });
    logger.info('dropped');
    logger.debug('dropped');
    logger.child({ jobId: 'j1' }).error('kept');
    expect(sink.records()).toEqual([expect.objectContaining({ msg: 'kept', level: 'error', jobId: 'j1' })]);
  });

  it('survives hostile fields: cycles, errors, bigint, huge strings, forged reserved keys, throwing getters', () => {
    const sink = new MemorySink();
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    const throwing = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } });
    const logger = createLogger('scan', { sink });
    logger.error('bad', { cyclic, err: new Error('kaput', { cause: new Error('root') }), n: 10n, big: 'x'.repeat(100_000), level: 'fatal', trace_id: 'forged' });
    logger.warn('getter', { throwing });
    const [rec, rec2] = sink.records();
    expect(rec).toMatchObject({ level: 'error', n: '10', cyclic: { name: 'c', self: '[Circular]' } });
    expect(rec!['trace_id']).toBeUndefined();
    expect((rec!['err'] as { message: string; cause: { message: string } }).cause.message).toBe('root');
    expect((rec!['big'] as string).length).toBeLessThan(9000);
    expect(rec2).toMatchObject({ msg: 'getter', level: 'warn' });
    expect(String(rec2!['log_error'])).toContain('getter');
  });
});

describe('JsonNestLogger', () => {
  it('maps Nest levels and extracts context and stack', () => {
    const sink = new MemorySink();
    const nest = new JsonNestLogger('gateway', { sink, level: 'trace' });
    nest.log('Ready', 'ScanWorker');
    nest.error('failed', 'Error: x\n    at y', 'ExceptionsHandler');
    nest.verbose({ some: 'object' });
    nest.warn(new Error('as error'));
    expect(sink.records()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'Ready', context: 'ScanWorker' }),
      expect.objectContaining({ level: 'error', msg: 'failed', context: 'ExceptionsHandler', stack: 'Error: x\n    at y' }),
      expect.objectContaining({ level: 'trace', msg: 'object', data: { some: 'object' } }),
      expect.objectContaining({ level: 'warn', msg: 'as error', err: expect.objectContaining({ message: 'as error' }) }),
    ]);
  });

  it("writes Nest's per-module and per-route start-up lines at debug level, so info start-up stays short", () => {
    const sink = new MemorySink();
    const info = new JsonNestLogger('gateway', { sink, level: 'info' });
    info.log('AppModule dependencies initialized', 'InstanceLoader');
    info.log('Mapped {/health, GET} route', 'RouterExplorer');
    info.log('ArtifactsController {/}:', 'RoutesResolver');
    info.warn('a warning still shows', 'RouterExplorer');
    expect(sink.records()).toEqual([expect.objectContaining({ level: 'warn', context: 'RouterExplorer' })]);
    const debug = new MemorySink();
    new JsonNestLogger('gateway', { sink: debug, level: 'debug' }).log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(debug.records()).toEqual([expect.objectContaining({ level: 'debug', msg: 'Mapped {/health, GET} route' })]);
  });
});
