// The per-service facts behind deploy/k8s/base/services/*.yaml (written by gen-k8s.mjs): sizes, replica counts and
// how each setting is sourced. Everything a Deployment shares (probes, securityContext, volumes) is built once here.

const PORT = 3000;
const IMAGE = 'modelguard'; // the overlay's `images:` entry points this at a registry and tag
const UID = 1000; // the official Node image's unprivileged `node` user (deploy/Dockerfile: USER node)

/** Sizes are starting points for one replica; scan holds spooled blobs and worker threads, so it is the big one. */
export const SERVICES = [
  { name: 'gateway', component: 'api', replicas: 2, cpu: ['250m', '1'], memory: ['384Mi', '1Gi'], tmp: '2Gi' },
  { name: 'ingest', component: 'worker', replicas: 1, cpu: ['250m', '1'], memory: ['384Mi', '1Gi'], tmp: '2Gi', upstreams: true },
  { name: 'scan', component: 'worker', replicas: 2, cpu: ['500m', '2'], memory: ['768Mi', '2Gi'], tmp: '4Gi' },
  { name: 'scoring', component: 'worker', replicas: 1, cpu: ['100m', '500m'], memory: ['256Mi', '512Mi'], tmp: '256Mi' },
  { name: 'lineage', component: 'worker', replicas: 1, cpu: ['100m', '500m'], memory: ['256Mi', '512Mi'], tmp: '256Mi' },
  { name: 'audit', component: 'worker', replicas: 1, cpu: ['100m', '500m'], memory: ['256Mi', '512Mi'], tmp: '256Mi' },
];

export const SHARED_CONFIG_MAP = 'modelguard-config';
export const SECRET = 'modelguard-secrets';
export const serviceConfigMap = (service) => `modelguard-${service}`;

/** Credentials, keys and URLs that may carry a password live in the Secret; everything else in ConfigMaps. */
export const SECRET_VAR = /(^DATABASE_URL|^STORAGE_DATABASE_URL|^REDIS_URL|_SECRET|_TOKEN|_PASSWORD|_KEY|_ACCESS_KEY_ID)$/;
/**
 * Without these a service refuses to start with the base ConfigMap (distributed mode, S3 storage, Redis cache), so
 * the reference is not optional: a missing key stops the pod at creation with the key's name, not in a crash loop.
 */
const REQUIRED_SECRETS = new Set(['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
/** Per-service identity: one shared value would put every service in one Kafka consumer group. */
const IDENTITY_VARS = new Set(['KAFKA_CLIENT_ID', 'OTEL_SERVICE_NAME']);

function envEntry(service, name, sectionVars) {
  if (SECRET_VAR.test(name)) {
    return { name, valueFrom: { secretKeyRef: { name: SECRET, key: name, optional: !REQUIRED_SECRETS.has(name) } } };
  }
  const map = sectionVars.has(name) || IDENTITY_VARS.has(name) ? serviceConfigMap(service) : SHARED_CONFIG_MAP;
  return { name, valueFrom: { configMapKeyRef: { name: map, key: name, optional: true } } };
}

const labelsOf = (s) => ({
  'app.kubernetes.io/name': s.name,
  'app.kubernetes.io/component': s.component,
  'app.kubernetes.io/part-of': 'modelguard',
});

const probe = (path, periodSeconds, failureThreshold) => ({
  httpGet: { path, port: 'http' },
  periodSeconds,
  timeoutSeconds: 5,
  failureThreshold,
});

/** `vars`: every variable the service's config reads, base schema first, then its section. */
export function deploymentFor(s, vars, baseVarCount = vars.length) {
  const sectionVars = new Set(vars.slice(baseVarCount));
  const podLabels = { ...labelsOf(s), ...(s.upstreams ? { 'modelguard.io/egress-upstreams': 'true' } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, labels: labelsOf(s) },
    spec: {
      replicas: s.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { 'app.kubernetes.io/name': s.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: podLabels,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORT), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          // The services never call the Kubernetes API; no token in the pod means none to steal.
          automountServiceAccountToken: false,
          // Service links would inject SCAN_PORT, AUDIT_SERVICE_HOST, ... next to the real settings.
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 45,
          securityContext: {
            runAsNonRoot: true,
            // Numeric, because the image's USER is a name and the kubelet cannot prove a name is not root.
            runAsUser: UID,
            runAsGroup: UID,
            fsGroup: UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'app',
              image: IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
              env: [{ name: 'SERVICE', value: s.name }, ...vars.map((v) => envEntry(s.name, v, sectionVars))],
              resources: {
                requests: { cpu: s.cpu[0], memory: s.memory[0], 'ephemeral-storage': '256Mi' },
                limits: { cpu: s.cpu[1], memory: s.memory[1], 'ephemeral-storage': s.tmp },
              },
              // The port opens only after migrations and the consumer started (bootstrapService), so the start-up
              // probe allows 3 minutes; liveness asks only whether the process answers, readiness whether its
              // database and broker do (a dead database must not restart every pod).
              startupProbe: probe('/health/live', 5, 36),
              livenessProbe: probe('/health/live', 10, 3),
              readinessProbe: probe('/health/ready', 5, 2),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' }, // scan spools blobs to os.tmpdir()
                { name: 'data', mountPath: '/app/.data' }, // DATA_DIR: gateway upload staging, embedded leftovers
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: s.tmp } },
            { name: 'data', emptyDir: { sizeLimit: s.tmp } },
          ],
        },
      },
    },
  };
}

/** ClusterIP for all: the gateway calls audit/scan/lineage/scoring by name, Prometheus scrapes every one. */
export function serviceFor(s) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, labels: labelsOf(s) },
    spec: {
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': s.name },
      ports: [{ name: 'http', port: PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
