import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import type { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { checkDownloadGate } from './download-gate';

const version = (over: Partial<ArtifactVersionEntity>): ArtifactVersionEntity =>
  ({ version: '1.0.0', ingestState: 'stored', scanState: 'clean', scanReason: null, overrideBy: null, overrideReason: null, ingestError: null, ...over }) as ArtifactVersionEntity;

function failure(v: ArtifactVersionEntity): ClientError {
  try {
    checkDownloadGate(v);
  } catch (e) {
    return e as ClientError;
  }
  throw new Error('gate let it through');
}

describe('download gate', () => {
  it('serves clean versions without warning and flagged ones with a warning', () => {
    expect(checkDownloadGate(version({}))).toEqual({ warning: null });
    expect(checkDownloadGate(version({ scanState: 'flagged', scanReason: 'scan flagged (2 warnings)' })).warning).toMatch(/flagged/);
  });

  it('answers 409 with Retry-After while ingesting or scanning', () => {
    for (const v of [version({ ingestState: 'ingesting' }), version({ scanState: 'pending' })]) {
      const e = failure(v);
      expect(e.status).toBe(409);
      expect(Number(e.headers['Retry-After'])).toBeGreaterThan(0);
    }
  });

  it('blocks with the reason (403) unless an admin released the version', () => {
    const e = failure(version({ scanState: 'blocked', scanReason: 'pickle opcode GLOBAL os.system' }));
    expect(e.status).toBe(403);
    expect(e.message).toContain('pickle opcode');
    expect(checkDownloadGate(version({ scanState: 'blocked', overrideBy: 'admin', overrideReason: 'false positive' })).warning).toMatch(/released by admin/);
  });

  it('answers 404 for a version whose ingestion failed', () => {
    expect(failure(version({ ingestState: 'failed', ingestError: 'upstream 404' })).status).toBe(404);
  });
});
