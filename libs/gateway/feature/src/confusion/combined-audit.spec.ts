import { describe, expect, it } from 'vitest';
import { auditConfusionAndTraffic } from './combined-audit';
import type { AuditedArtifact } from './confusion-audit';
import { analyzeTraffic, type TrafficAnomaly } from './traffic-anomaly';

const artifact = (id: string, name: string, downloads: number): AuditedArtifact => ({ id, name, type: 'model', downloads, searches: 0 });
const T0 = Date.parse('2026-11-02T08:00:00Z');
/** 40 downloads by one bot every 2 s: a burst, few identities and metronomic. */
const botTraffic = (): TrafficAnomaly => analyzeTraffic(Array.from({ length: 40 }, (_, i) => ({ at: T0 + i * 2000, actor: 'bot', address: '192.0.2.1' })))!;

describe('auditConfusionAndTraffic', () => {
  const artifacts = [artifact('bert', 'bert-base-uncased', 900), artifact('squat', 'bert_base_uncased', 40), artifact('pumped', 'my-own-model', 40), artifact('both', 'bert-base-uncasde', 40)];

  it('lists a package for its name, for its traffic, or for both with a combined score and every reason', async () => {
    const traffic = new Map([
      ['pumped', botTraffic()],
      ['both', botTraffic()],
    ]);
    const findings = await auditConfusionAndTraffic(artifacts, traffic, 100);
    const byId = new Map(findings.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(['both', 'pumped', 'squat']);
    expect(byId.get('squat')).toMatchObject({ looks_like: { id: 'bert' }, traffic_score: null });
    expect(byId.get('squat')!.score).toBe(byId.get('squat')!.name_score);
    expect(byId.get('pumped')).toMatchObject({ looks_like: null, name_score: null, traffic_score: traffic.get('pumped')!.score });
    expect(byId.get('pumped')!.reasons.map((r) => r.split(':')[0])).toEqual(['burst', 'few identities', 'metronomic']);
    const both = byId.get('both')!;
    expect(both.looks_like?.id).toBe('bert');
    expect(both.score).toBeGreaterThanOrEqual(Math.max(both.name_score!, both.traffic_score!));
    expect(both.reasons[0]).toMatch(/Damerau-Levenshtein/);
    expect(both.reasons.at(-1)).toMatch(/^metronomic:/);
    expect(findings.map((f) => f.score)).toEqual([...findings.map((f) => f.score)].sort((a, b) => b - a));
  });

  it('caps the merged answer after ranking it', async () => {
    const findings = await auditConfusionAndTraffic(artifacts, new Map([['pumped', botTraffic()]]), 1);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.id).toBe('pumped');
  });
});
