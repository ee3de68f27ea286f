import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_TOPICS, dltTopicOf, schemaVersionOf, Topic, TopicSchemas } from './index';

describe('topic map', () => {
  it('names every topic <domain>.<event-in-past-tense>.v<major>', () => {
    for (const topic of ALL_TOPICS) expect(topic).toMatch(/^[a-z]+\.[a-z]+(-[a-z]+)*\.v\d+$/);
  });

  it('derives the dead-letter topic and schema version from the name', () => {
    expect(dltTopicOf(Topic.PackageStored)).toBe('ingest.package-stored.v1.dlt');
    expect(schemaVersionOf(Topic.ScanCompleted)).toBe(1);
  });

  it.each(ALL_TOPICS)('keeps the JSON Schema of %s stable (released versions are frozen)', async (topic) => {
    const jsonSchema = z.toJSONSchema(TopicSchemas[topic], { io: 'input' });
    await expect(JSON.stringify(jsonSchema, null, 2)).toMatchFileSnapshot(`./__snapshots__/${topic}.schema.json`);
  });
});
