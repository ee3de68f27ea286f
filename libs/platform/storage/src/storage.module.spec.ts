import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from '@modelguard/observability';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import { StorageModule } from './storage.module';

const root = mkdtempSync(join(tmpdir(), 'mg-storage-module-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('StorageModule (fs driver)', () => {
  it('provides an FsBlobStore and the object-storage health component', async () => {
    @Module({ imports: [StorageModule.forRoot({ storage: { driver: 'fs', root } }), HealthModule.forRoot({ sampleIntervalMs: 0 })] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const blobs = app.get(BlobStore);
      expect(blobs).toBeInstanceOf(FsBlobStore);
      const { created } = await blobs.put(Readable.from([Buffer.from('hello')]));
      expect(created).toBe(true);
      const body = (await (await fetch(`${await app.getUrl()}/health/components`)).json()) as { components: { id: string; status: string }[] };
      expect(body.components).toContainEqual(expect.objectContaining({ id: 'object-storage', status: 'ok' }));
    } finally {
      await app.close();
    }
  });
});
