import { describe, expect, it } from 'vitest';
import { bindJobStore, type LeasedJobStore } from './leased-job.store';

interface Manager {
  name: string;
}

class RecordingStore implements LeasedJobStore<Manager, string> {
  readonly calls: string[] = [];
  async claim(m: Manager, owner: string, limit: number, leaseMs: number): Promise<string[]> {
    this.calls.push(`claim ${m.name} ${owner} ${limit} ${leaseMs}`);
    return ['job-1'];
  }
  async heartbeat(m: Manager, owner: string, leaseMs: number, workingOn: string[]): Promise<void> {
    this.calls.push(`heartbeat ${m.name} ${owner} ${leaseMs} ${workingOn.join(',')}`);
  }
  async releaseAll(m: Manager, owner: string): Promise<void> {
    this.calls.push(`release ${m.name} ${owner}`);
  }
}

describe('bindJobStore', () => {
  it('passes the current manager and every argument through', async () => {
    const store = new RecordingStore();
    const db = { isInitialized: true, manager: { name: 'm1' } };
    const port = bindJobStore(store, db);
    expect(await port.claim('w', 3, 1_000)).toEqual(['job-1']);
    await port.heartbeat('w', 1_000, ['k1', 'k2']);
    await port.releaseAll('w');
    expect(store.calls).toEqual(['claim m1 w 3 1000', 'heartbeat m1 w 1000 k1,k2', 'release m1 w']);
  });

  it('does not try to release through a database that is not initialised', async () => {
    const store = new RecordingStore();
    await bindJobStore(store, { isInitialized: false, manager: { name: 'closed' } }).releaseAll('w');
    expect(store.calls).toEqual([]);
  });
});
