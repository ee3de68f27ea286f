import { afterEach, describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { scanBuffer } from './scan-api';
import { DEFAULT_POOL_LIMITS } from './scan-pool';
import { closeSharedPool, configureScanPool, scanPoolLimits } from './shared-scan-pool';

const BENIGN = Buffer.from('80024e2e', 'hex');

afterEach(async () => {
  await closeSharedPool();
  configureScanPool({});
});

describe('shared scan pool', { timeout: 60_000 }, () => {
  it('has the default size until the host configures it', async () => {
    expect(scanPoolLimits()).toEqual(DEFAULT_POOL_LIMITS);
    expect((await scanBuffer(BENIGN, 'mem://a')).verdict).toBe('clean');
    expect(scanPoolLimits()).toEqual(DEFAULT_POOL_LIMITS);
  });

  it('is sized by configuration, not by the options of the first scan', async () => {
    configureScanPool({ concurrency: 3, workerMemoryMb: 256 });
    expect((await scanBuffer(BENIGN, 'mem://a', defaultScanOptions())).verdict).toBe('clean');
    expect(scanPoolLimits()).toEqual({ concurrency: 3, workerMemoryMb: 256 });
    // Options that restate the configured size are fine.
    expect((await scanBuffer(BENIGN, 'mem://b', defaultScanOptions({ concurrency: 3 }))).verdict).toBe('clean');
  });

  it('refuses a second caller that expects a different size instead of silently sharing the first one', async () => {
    configureScanPool({ concurrency: 3 });
    expect((await scanBuffer(BENIGN, 'mem://first', defaultScanOptions({ concurrency: 3 }))).verdict).toBe('clean');
    await expect(scanBuffer(BENIGN, 'mem://second', defaultScanOptions({ concurrency: 1 }))).rejects.toThrow(/configureScanPool/);
    await expect(scanBuffer(BENIGN, 'mem://second', defaultScanOptions({ workerMemoryMb: 64 }))).rejects.toThrow(/configureScanPool/);
    expect(scanPoolLimits().concurrency).toBe(3);
  });

  it('refuses resizing a running pool, and resizes explicitly after it is closed', async () => {
    configureScanPool({ concurrency: 3 });
    await scanBuffer(BENIGN, 'mem://a');
    expect(() => configureScanPool({ concurrency: 3 })).not.toThrow();
    expect(() => configureScanPool({ concurrency: 1 })).toThrow(/close it/);
    expect(scanPoolLimits().concurrency).toBe(3);

    await closeSharedPool();
    configureScanPool({ concurrency: 1 });
    expect((await scanBuffer(BENIGN, 'mem://b')).verdict).toBe('clean');
    expect(scanPoolLimits()).toEqual({ ...DEFAULT_POOL_LIMITS, concurrency: 1 });
  });
});
