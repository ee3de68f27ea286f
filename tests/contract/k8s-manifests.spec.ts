import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BASE_ENV_VARS, loadConfig, SERVICE_SECTION_SCHEMAS } from '@modelguard/config';
import { EVENT_CATALOGUE, SERVICE_NAMES } from '@modelguard/contracts';
import { schemaErrors } from './k8s/manifest-schemas';
import { type K8sObject, renderKustomization } from './k8s/render-kustomization';

const root = resolve(__dirname, '..', '..');
const BASE = join(root, 'deploy', 'k8s', 'base');
const PRODUCTION = join(root, 'deploy', 'k8s', 'overlays', 'production');
const rendered = { base: renderKustomization(BASE), production: renderKustomization(PRODUCTION) };

/** Settings that are credentials (or URLs that may embed one): they must come from the Secret, never a ConfigMap. */
const SECRET_VARS = new Set([
  'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'GITHUB_TOKEN',
  'STORAGE_ENCRYPTION_KEY', 'LLM_API_KEY', 'GATEWAY_SIGNING_KEY', 'AUDIT_CHAIN_KEY', 'STORAGE_DATABASE_URL',
]);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: { name: string; key: string; optional?: boolean }; secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: { name: string; emptyDir?: object; hostPath?: object }[];
}
interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicySpec {
  podSelector: Selector;
  policyTypes?: string[];
  ingress?: { from?: Peer[]; ports?: object[] }[];
  egress?: { to?: Peer[]; ports?: { port?: number | string; protocol?: string }[] }[];
}

const spec = <T>(o: K8sObject) => o['spec'] as T;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const podSpec = (d: K8sObject) => spec<{ template: { spec: PodSpec; metadata: { labels: Record<string, string> } } }>(d).template.spec;
const deployment = (objects: K8sObject[], name: string) => ofKind(objects, 'Deployment').find((d) => d.metadata.name === name)!;

describe.each(Object.entries(rendered))('deploy/k8s %s, rendered', (_layer, objects) => {
  it('validates every object against the Kubernetes and KEDA OpenAPI schemas', () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.map(schemaErrors).filter(Boolean)).toEqual([]);
  });

  it('has one Deployment and one ClusterIP Service per service, all in the restricted namespace', () => {
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(ofKind(objects, 'Service').map((s) => s.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    const ns = ofKind(objects, 'Namespace');
    expect(ns).toHaveLength(1);
    expect(ns[0]!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(ns[0]!.metadata.name);
  });

  it('runs every container non-root, read-only, without privilege escalation or capabilities, with limits', () => {
    for (const d of ofKind(objects, 'Deployment')) {
      const pod = podSpec(d);
      const where = `Deployment/${d.metadata.name}`;
      expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
      expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
      expect(pod.automountServiceAccountToken, where).toBe(false);
      expect(pod.hostNetwork ?? false, where).toBe(false);
      expect(pod.volumes?.every((v) => v.emptyDir !== undefined && v.hostPath === undefined), where).toBe(true);
      for (const c of pod.containers) {
        const sc = c.securityContext;
        expect(sc?.allowPrivilegeEscalation, where).toBe(false);
        expect(sc?.readOnlyRootFilesystem, where).toBe(true);
        expect(sc?.runAsNonRoot, where).toBe(true);
        expect(sc?.privileged ?? false, where).toBe(false);
        expect(sc?.capabilities?.drop, where).toContain('ALL');
        expect(sc?.capabilities?.add ?? [], where).toEqual([]);
        expect(sc?.seccompProfile?.type, where).toBe('RuntimeDefault');
        // The read-only root needs somewhere to spool: /tmp is an emptyDir.
        expect(c.volumeMounts?.map((m) => m.mountPath), where).toContain('/tmp');
        for (const kind of ['requests', 'limits'] as const) {
          expect(Object.keys(c.resources?.[kind] ?? {}), `${where} ${kind}`).toEqual(expect.arrayContaining(['cpu', 'memory']));
        }
        expect(c.startupProbe?.httpGet?.path, where).toBe('/health/live');
        expect(c.livenessProbe?.httpGet?.path, where).toBe('/health/live');
        expect(c.readinessProbe?.httpGet?.path, where).toBe('/health/ready');
      }
    }
  });

  it('references every setting the service reads, and nothing else: secrets from the Secret, the rest from ConfigMaps', () => {
    const configMaps = new Set(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name));
    for (const name of SERVICE_NAMES) {
      const section = (SERVICE_SECTION_SCHEMAS as Record<string, { shape: object } | undefined>)[name];
      const expected = [...BASE_ENV_VARS, ...Object.keys(section?.shape ?? {})];
      const env = podSpec(deployment(objects, name)).containers[0]!.env ?? [];
      const names = env.map((e) => e.name).filter((n) => n !== 'SERVICE');
      expect(new Set(names).size, `${name}: duplicate env entries`).toBe(names.length);
      expect([...names].sort(), `${name}: env drifted from the config schema; run node tools/deploy/gen-k8s.mjs`).toEqual([...expected].sort());
      for (const e of env.filter((x) => x.name !== 'SERVICE')) {
        if (SECRET_VARS.has(e.name)) {
          expect(e.valueFrom?.secretKeyRef, `${name}: ${e.name}`).toMatchObject({ name: 'modelguard-secrets', key: e.name });
        } else {
          const ref = e.valueFrom?.configMapKeyRef;
          expect(ref?.key, `${name}: ${e.name}`).toBe(e.name);
          expect(configMaps.has(ref!.name), `${name}: ${e.name} references missing ConfigMap ${ref?.name}`).toBe(true);
        }
      }
    }
  });

  it('lets only the gateway be reached from outside: ClusterIP Services, Ingress to the gateway only', () => {
    for (const s of ofKind(objects, 'Service')) expect(spec<{ type?: string }>(s).type ?? 'ClusterIP', s.metadata.name).toBe('ClusterIP');
    for (const ing of ofKind(objects, 'Ingress')) {
      const backends = JSON.stringify(ing['spec']).match(/"service":\{"name":"[^"]+"/g) ?? [];
      expect(backends.length).toBeGreaterThan(0);
      for (const b of backends) expect(b).toContain('"name":"gateway"');
    }
  });

  it('denies by default and opens only the documented flows', () => {
    const policies = ofKind(objects, 'NetworkPolicy').map((p) => ({ name: p.metadata.name, spec: spec<PolicySpec>(p) }));
    const denyAll = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
    expect(denyAll?.spec.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);
    const dns = policies.find((p) => p.spec.egress?.some((r) => r.ports?.some((port) => port.port === 53 && port.protocol === 'UDP')));
    expect(dns?.spec.podSelector).toEqual({});

    const selectsOnlyGateway = (s: Selector) => JSON.stringify(s) === JSON.stringify({ matchLabels: { 'app.kubernetes.io/name': 'gateway' } });
    const isMonitoring = (peer: Peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' && !peer.podSelector;
    for (const p of policies) {
      for (const rule of p.spec.ingress ?? []) {
        // A rule open to any source (no `from`, an ipBlock or an empty namespaceSelector) is the gateway's alone.
        const open = !rule.from || rule.from.some((peer) => peer.ipBlock || (peer.namespaceSelector && !isMonitoring(peer)));
        if (open) expect(selectsOnlyGateway(p.spec.podSelector), `${p.name} opens a non-gateway pod to outside`).toBe(true);
      }
      for (const rule of p.spec.egress ?? []) {
        expect(rule.ports?.length ?? 0, `${p.name}: egress without port restriction`).toBeGreaterThan(0);
        if (rule.to?.some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0')) {
          // The Internet is only for the upstream fetchers, only HTTPS, private ranges excluded.
          expect(p.spec.podSelector).toEqual({ matchLabels: { 'modelguard.io/egress-upstreams': 'true' } });
          expect(rule.ports?.map((port) => port.port)).toEqual([443]);
          expect(rule.to?.[0]?.ipBlock?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']));
        }
      }
    }
    const upstreamPods = ofKind(objects, 'Deployment').filter((d) => spec<{ template: { metadata: { labels: Record<string, string> } } }>(d).template.metadata.labels['modelguard.io/egress-upstreams'] === 'true');
    expect(upstreamPods.map((d) => d.metadata.name)).toEqual(['ingest']);
  });

  it('autoscales the gateway on CPU and the scan workers on their real consumer group and topics', () => {
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpa.map((h) => spec<{ scaleTargetRef: { kind: string; name: string } }>(h).scaleTargetRef)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' }]);

    const [scaled, ...more] = ofKind(objects, 'ScaledObject');
    expect(more).toEqual([]);
    const so = spec<{ scaleTargetRef: { name: string }; triggers: { type: string; metadata: Record<string, string> }[] }>(scaled!);
    expect(so.scaleTargetRef.name).toBe('scan');
    const kafka = so.triggers.filter((t) => t.type === 'kafka');
    // The group the scan service really joins: its configured client id (default modelguard-<service>).
    const scanEnv = envFromManifests(objects, 'scan');
    const groupId = loadConfig(scanEnv, 'scan').messaging;
    expect(groupId.transport).toBe('kafka');
    for (const t of kafka) {
      expect(t.metadata['consumerGroup']).toBe(groupId.transport === 'kafka' ? groupId.clientId : '');
      expect(t.metadata['bootstrapServersFromEnv']).toBe('KAFKA_BROKERS');
    }
    const scanTopics = EVENT_CATALOGUE.filter((e) => (e.consumers as readonly string[]).includes('scan')).map((e) => e.topic);
    expect(kafka.map((t) => t.metadata['topic']).sort()).toEqual([...scanTopics].sort());
  });

  it('ConfigMap values pass the real config validation of every service (Secret values stubbed)', () => {
    for (const name of SERVICE_NAMES) {
      const config = loadConfig(envFromManifests(objects, name), name);
      expect(config.mode).toBe('distributed');
      expect(config.http.host).toBe('0.0.0.0');
    }
  });
});

/** Well-formed stand-ins for the Secret's keys (the real Secret is never in the repository). */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://modelguard@postgres:5432/modelguard',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: 'x'.repeat(40),
  S3_ACCESS_KEY_ID: 'modelguard-app',
  S3_SECRET_ACCESS_KEY: 'modelguard-app-secret',
};

/**
 * The env a pod of `service` would see with only the REQUIRED (non-optional) Secret keys present: ConfigMap values
 * resolved, those Secret keys replaced by stand-ins. If the config needs a secret the manifest marks optional,
 * loadConfig fails here, so the pod would not crash-loop on a key the manifest let it start without.
 */
function envFromManifests(objects: K8sObject[], service: string): NodeJS.ProcessEnv {
  const data = new Map(ofKind(objects, 'ConfigMap').map((c) => [c.metadata.name, (c['data'] ?? {}) as Record<string, string>]));
  const env: NodeJS.ProcessEnv = {};
  for (const e of podSpec(deployment(objects, service)).containers[0]!.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    const secret = e.valueFrom?.secretKeyRef;
    const value = e.value ?? (cm ? data.get(cm.name)?.[cm.key] : secret && !secret.optional ? (SECRET_STAND_INS[e.name] ?? 'stand-in') : undefined);
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

/** kubectl embeds kustomize; where it is installed, our renderer must agree with it object for object. */
const kubectl = (process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'kubectl')).find((p) => existsSync(p));
describe.skipIf(!kubectl)('deploy/k8s rendering agrees with kubectl kustomize', () => {
  it.each([['base', BASE], ['production', PRODUCTION]])('%s', (_layer, dir) => {
    const out = execFileSync(kubectl!, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    const theirs = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const byKey = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [key(o), o]));
    expect(byKey(renderKustomization(dir))).toEqual(byKey(theirs));
  });
});
