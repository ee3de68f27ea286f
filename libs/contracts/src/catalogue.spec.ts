import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ALL_TOPICS,
  EVENT_CATALOGUE,
  Query,
  QUERY_CATALOGUE,
  dltTopicOf,
  eventFolderOf,
  pathParamsOf,
  queryFolderOf,
  queryPathOf,
  schemaVersionOf,
  Topic,
  TopicSchemas,
} from './index';

const majorOf = (topic: string) => schemaVersionOf(topic as (typeof ALL_TOPICS)[number]);

describe('event catalogue', () => {
  it('names every topic <domain>.<event-in-past-tense>.v<major>', () => {
    for (const topic of ALL_TOPICS) expect(topic).toMatch(/^[a-z]+\.[a-z]+(-[a-z]+)*\.v\d+$/);
  });

  it('derives the Topic map, TopicSchemas, the dead-letter topic and the schema version from the catalogue', () => {
    expect(Object.keys(Topic)).toEqual(EVENT_CATALOGUE.map((e) => e.name));
    expect(new Set(ALL_TOPICS).size).toBe(EVENT_CATALOGUE.length);
    for (const event of EVENT_CATALOGUE) expect(TopicSchemas[event.topic]).toBe(event.schema);
    expect(dltTopicOf(Topic.PackageStored)).toBe('ingest.package-stored.v1.dlt');
    expect(schemaVersionOf(Topic.ScanCompleted)).toBe(1);
  });

  it('keeps one folder per topic, events/<topic>/v<major>.ts, and nothing else', () => {
    const folders = readdirSync(join(__dirname, 'events'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    // A superseded topic and its successor share a folder (v1.ts next to v2.ts).
    expect(folders.sort()).toEqual([...new Set(EVENT_CATALOGUE.map((e) => eventFolderOf(e.topic)))].sort());
    for (const e of EVENT_CATALOGUE) expect(existsSync(join(__dirname, 'events', eventFolderOf(e.topic), `v${majorOf(e.topic)}.ts`))).toBe(true);
  });

  it('names at least one producer and one consumer per topic (the wiring test checks them against the code)', () => {
    for (const e of EVENT_CATALOGUE) {
      // A superseded topic is no longer produced; its consumers drain what was published before the upgrade.
      if (e.supersededBy === undefined) expect(e.producers.length, e.topic).toBeGreaterThan(0);
      else expect(e.producers, e.topic).toEqual([]);
      expect(e.consumers.length, e.topic).toBeGreaterThan(0);
    }
  });

  it('points every superseded topic at a newer major of the same event that is in the catalogue', () => {
    for (const e of EVENT_CATALOGUE.filter((c) => c.supersededBy !== undefined)) {
      const next = EVENT_CATALOGUE.find((c) => c.topic === e.supersededBy);
      expect(next, e.topic).toBeDefined();
      expect(eventFolderOf(next!.topic)).toBe(eventFolderOf(e.topic));
      expect(majorOf(next!.topic)).toBeGreaterThan(majorOf(e.topic));
    }
  });

  it.each(EVENT_CATALOGUE.map((e) => [e.topic, e] as const))('keeps the JSON Schema of %s stable (released versions are frozen)', async (topic, e) => {
    const jsonSchema = z.toJSONSchema(e.schema, { io: 'input' });
    await expect(JSON.stringify(jsonSchema, null, 2)).toMatchFileSnapshot(`./events/${eventFolderOf(topic)}/v${majorOf(topic)}.schema.json`);
  });
});

describe('query catalogue', () => {
  it('keeps one folder per query, queries/<name>/v1.ts, and nothing else', () => {
    const folders = readdirSync(join(__dirname, 'queries'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.sort()).toEqual(QUERY_CATALOGUE.map((q) => queryFolderOf(q.name)).sort());
    expect(Object.keys(Query)).toEqual(QUERY_CATALOGUE.map((q) => q.name));
  });

  it('declares every path parameter in the request schema, under /internal', () => {
    for (const q of QUERY_CATALOGUE) {
      expect(q.path, q.name).toMatch(/^\/internal\//);
      for (const param of pathParamsOf(q.path)) expect(Object.keys(q.request.shape), q.name).toContain(param);
    }
  });

  it('builds the request path: path parameters encoded, the rest as the query string', () => {
    expect(queryPathOf(Query.ScanReport, { id: 'abc-1', version: '1.0.0+x' })).toBe('/internal/artifacts/abc-1/scan-report?version=1.0.0%2Bx');
    expect(queryPathOf(Query.ScanReport, { id: 'a b', version: undefined })).toBe('/internal/artifacts/a%20b/scan-report');
    expect(() => queryPathOf(Query.AuditTrail, {})).toThrow(/id is missing/);
  });

  it.each(QUERY_CATALOGUE.flatMap((q) => Object.entries(q.responses).map(([status, schema]) => [q.name, status, schema] as const)))(
    'keeps the JSON Schema of the %s response %s stable',
    async (name, status, schema) => {
      const jsonSchema = { request: z.toJSONSchema(Query[name].request, { io: 'input' }), response: z.toJSONSchema(schema as z.ZodType, { io: 'input' }) };
      await expect(JSON.stringify(jsonSchema, null, 2)).toMatchFileSnapshot(`./queries/${queryFolderOf(name)}/v1.${status}.schema.json`);
    },
  );
});
