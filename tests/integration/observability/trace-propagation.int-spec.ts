import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer, type Server } from 'node:http';
import { createKafkaTopics, deleteKafkaTopics, queryRows, serviceTestEnv, spawnService, testInfra, type SpawnedService } from '@modelguard/testing';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * End-to-end check of `register.ts`: a real child process (instrumentation patches `require`, which
 * the test runner's own module loader bypasses) serves HTTP, produces to a real Kafka topic in the
 * request handler and consumes it. One trace id must cover the HTTP server span, the Kafka send, the
 * consumer's processing span and the log lines written inside them.
 */
// The observability library's sources, transpiled as they are into a child process (see transpileTree).
const repoRoot = resolve(__dirname, '../../..');
const srcDir = join(repoRoot, 'libs/platform/observability/src');
const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
let outDir: string;

function transpileTree(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (statSync(path).isDirectory()) transpileTree(path, join(to, name));
    else if (name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(name)) {
      const out = ts.transpileModule(readFileSync(path, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true },
      });
      mkdirSync(to, { recursive: true });
      writeFileSync(join(to, name.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
}

const CHILD = `
require('./register.js');
const { attachInMemorySpanExporter } = require('./telemetry/telemetry.js');
const { createLogger } = require('./logging/logger.js');
const { exporter } = attachInMemorySpanExporter();
const http = require('http');
const { Kafka, logLevel } = require('kafkajs');
const topic = process.env.TOPIC;
const kafka = new Kafka({ clientId: 'trace-test', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const logs = [];
const logger = createLogger('trace-test', { sink: { write: (l) => logs.push(JSON.parse(l)) } });
(async () => {
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: topic + '-g', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumedResolve;
  const consumed = new Promise((r) => (consumedResolve = r));
  await consumer.run({ eachMessage: async ({ message }) => {
    logger.info('consumed', { traceparent: message.headers.traceparent && message.headers.traceparent.toString() });
    consumedResolve();
  } });
  const server = http.createServer(async (req, res) => {
    logger.info('request');
    await producer.send({ topic, messages: [{ key: 'artifact-1', value: '{}' }] });
    res.end('ok');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.address().port, path: '/artifacts' }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
  await Promise.race([consumed, new Promise((_, rej) => setTimeout(() => rej(new Error('no message consumed')), 30000))]);
  await new Promise((r) => setTimeout(r, 200));
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, traceId: s.spanContext().traceId, scope: s.instrumentationScope.name, service: s.resource.attributes['service.name'] }));
  process.stdout.write(JSON.stringify({ spans, logs }));
  await consumer.disconnect();
  await producer.disconnect();
  server.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(2); });
`;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'mg-otel-'));
  transpileTree(srcDir, outDir);
  writeFileSync(join(outDir, 'child.js'), CHILD);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

// Loads the modules the instrumentations patch and reports which ones are wrapped (shimmer marks a wrapper __wrapped).
const PATCH_PROBE = `
require('./register.js');
const pg = require('pg');
const express = require('express');
const { Kafka } = require('kafkajs');
const http = require('http');
const wrapped = (fn) => typeof fn === 'function' && fn.__wrapped === true;
process.stdout.write(JSON.stringify({
  http: wrapped(http.request),
  pg: wrapped(pg.Client.prototype.query),
  express: wrapped(express.Router.prototype?.route) || wrapped(express.Router.route),
  kafkajs: wrapped(Kafka.prototype.producer),
}));
`;

interface ChildOutput {
  spans: { name: string; kind: number; traceId: string; scope: string; service: string }[];
  logs: { msg: string; trace_id?: string; traceparent?: string }[];
}

describe('register + instrumentations (real HTTP and Kafka)', () => {
  it('patches only what carries a trace when nothing exports, everything when an endpoint is set or when listed', () => {
    writeFileSync(join(outDir, 'patch-probe.js'), PATCH_PROBE);
    const probe = (env: Record<string, string>): Record<string, boolean> => {
      const result = spawnSync(process.execPath, [join(outDir, 'patch-probe.js')], {
        cwd: outDir,
        env: { PATH: process.env['PATH'] ?? '', NODE_PATH: join(repoRoot, 'node_modules'), OTEL_SERVICE_NAME: 'probe', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, boolean>;
    };
    expect(probe({})).toEqual({ http: true, pg: false, express: false, kafkajs: true });
    // An endpoint that is never reached: the SDK only exports when spans end, and this probe ends none.
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual({ http: true, pg: true, express: true, kafkajs: true });
    expect(probe({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pg, http' })).toEqual({ http: true, pg: true, express: false, kafkajs: false });
  }, 120_000);

  it('carries one trace id from the HTTP request through Kafka to the consumer and into logs', async () => {
    const topic = `mg-trace-${process.pid}-${Date.now()}`;
    // Created (and waited for until its leader serves it) out here, so the child's first send cannot race it.
    await createKafkaTopics([topic], { partitions: 1, brokers: brokers.split(',') });
    let result: SpawnSyncReturns<string>;
    try {
      result = spawnSync(process.execPath, [join(outDir, 'child.js')], {
        cwd: outDir,
        env: { PATH: process.env['PATH'] ?? '', NODE_PATH: join(repoRoot, 'node_modules'), KAFKA_BROKERS: brokers, TOPIC: topic, OTEL_SERVICE_NAME: 'trace-it', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
        encoding: 'utf8',
        timeout: 90_000,
      });
    } finally {
      await deleteKafkaTopics([topic], brokers.split(',')).catch(() => undefined);
    }
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as ChildOutput;
    const serverSpan = out.spans.find((s) => s.scope.includes('instrumentation-http') && s.kind === 1);
    const sendSpan = out.spans.find((s) => s.scope.includes('kafkajs') && s.kind === 3);
    const processSpan = out.spans.find((s) => s.scope.includes('kafkajs') && s.kind === 4);
    expect(serverSpan, JSON.stringify(out.spans)).toBeDefined();
    expect(sendSpan, JSON.stringify(out.spans)).toBeDefined();
    expect(processSpan, JSON.stringify(out.spans)).toBeDefined();
    const traceId = serverSpan!.traceId;
    expect(sendSpan!.traceId).toBe(traceId);
    expect(processSpan!.traceId).toBe(traceId);
    expect(serverSpan!.service).toBe('trace-it');

    const requestLog = out.logs.find((l) => l.msg === 'request');
    const consumedLog = out.logs.find((l) => l.msg === 'consumed');
    expect(requestLog?.trace_id).toBe(traceId);
    expect(consumedLog?.trace_id).toBe(traceId);
    expect(consumedLog?.traceparent).toContain(traceId);
  }, 120_000);
});

interface ExportedSpan {
  service: string;
  scope: string;
  name: string;
  kind: number;
  traceId: string;
}

/** A minimal OTLP/HTTP (JSON) trace receiver: what a collector would get from a service. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  interface Attr { key: string; value: { stringValue?: string } }
  interface Body { resourceSpans?: { resource?: { attributes?: Attr[] }; scopeSpans?: { scope?: { name?: string }; spans?: { name: string; kind: number; traceId: string }[] }[] }[] }
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      try {
        for (const rs of (JSON.parse(raw) as Body).resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans ?? []) for (const sp of ss.spans ?? []) spans.push({ service, scope: ss.scope?.name ?? '', name: sp.name, kind: sp.kind, traceId: sp.traceId });
        }
      } catch {
        // not JSON (a protobuf exporter): nothing recorded, the assertions below say so
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

describe('a real service process (dist/apps/scan, started by runService)', () => {
  const database = `mg_trace_scan_${process.pid}_${Date.now()}`;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let scan: SpawnedService | undefined;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    await queryRows(testInfra.databaseUrl, `CREATE DATABASE "${database}"`);
    receiver = await startOtlpReceiver();
  }, 600_000);

  afterAll(async () => {
    await scan?.kill('SIGTERM');
    await receiver?.close();
    await queryRows(testInfra.databaseUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it("exports the scan service's spans, continuing the caller's trace", async () => {
    const url = new URL(testInfra.databaseUrl);
    url.pathname = `/${database}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'mg-trace-scan-'));
    scan = await spawnService(
      'scan',
      serviceTestEnv({
        DATABASE_URL: url.toString(),
        DATA_DIR: dataDir,
        STORAGE_ROOT: join(dataDir, 'blobs'),
        HTTP_PORT: undefined,
        OTEL_SDK_DISABLED: 'false',
        OTEL_SERVICE_NAME: '',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      }),
    );
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const res = await fetch(`${scan.url}/internal/artifacts/no-such-artifact/scan-report`, { headers: { traceparent: `00-${traceId}-1122334455667788-01` } });
    await res.body?.cancel();

    const deadline = Date.now() + 20_000;
    const fromScan = () => receiver.spans.filter((s) => s.service === 'scan' && s.traceId === traceId);
    while (!fromScan().some((s) => s.scope.includes('instrumentation-http')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const spans = fromScan();
    const context = `${JSON.stringify(receiver.spans)}\n${scan.output()}`;
    // Spans of http and pg in the caller's trace prove the instrumentation was registered before those modules
    // were loaded (OTLP numbers span kinds from UNSPECIFIED = 0: SERVER = 2, CLIENT = 3).
    expect(spans.find((s) => s.scope.includes('instrumentation-http') && s.kind === 2), context).toMatchObject({ name: 'GET /internal/artifacts/:id/scan-report' });
    expect(spans.find((s) => s.scope.includes('instrumentation-pg') && s.kind === 3), context).toBeDefined();
  }, 120_000);
});
