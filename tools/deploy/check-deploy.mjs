// Static checks of the distributed deployment files, for machines without Docker (CI here has none):
//   - docker-compose.yml and deploy/otel-collector.yaml parse as YAML (merge keys resolved as Compose does);
//   - every app service runs the monorepo image with SERVICE set to its own name and all the variables the
//     config library reads in distributed mode; depends_on only names defined services;
//   - every app variable is documented in .env.example (so the two cannot drift apart silently);
//   - the collector's pipelines only use components it defines;
//   - the files the Dockerfile copies exist in the repository.
// Exits 0 when all hold, 1 with one line per problem otherwise.
//
//   node tools/deploy/check-deploy.mjs
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const problems = [];
const problem = (message) => problems.push(message);

function load(rel) {
  try {
    // merge: true = YAML 1.1 '<<' merge keys, which Compose files use for shared service settings.
    return parse(readFileSync(join(root, rel), 'utf8'), { merge: true, prettyErrors: true });
  } catch (error) {
    problem(`${rel}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const APP_SERVICES = ['gateway', 'ingest', 'scan', 'scoring', 'lineage', 'audit'];
const REQUIRED_ENV = [
  'NODE_ENV', 'MODELGUARD_MODE', 'HTTP_PORT', 'DATABASE_URL', 'MESSAGING_TRANSPORT', 'KAFKA_BROKERS',
  'STORAGE_DRIVER', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE', 'CACHE_DRIVER', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'JWT_SECRET', 'AUDIT_URL', 'SCAN_URL', 'LINEAGE_URL', 'SCORING_URL',
];
const FIXED = { MODELGUARD_MODE: 'distributed', MESSAGING_TRANSPORT: 'kafka', STORAGE_DRIVER: 's3', CACHE_DRIVER: 'redis' };
// Set for the container, not app configuration: not expected in .env.example.
const NOT_APP_CONFIG = new Set(['NODE_ENV', 'SERVICE']);

function checkCompose(compose) {
  const services = compose?.services;
  if (!services || typeof services !== 'object') return problem('docker-compose.yml: no services');
  for (const name of [...APP_SERVICES, 'kafka', 'kafka-init', 'postgres', 'redis', 'minio', 'minio-init', 'otel-collector', 'jaeger']) {
    if (!services[name]) problem(`docker-compose.yml: service "${name}" is missing`);
  }
  for (const [name, svc] of Object.entries(services)) {
    const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
    for (const dep of deps) if (!services[dep]) problem(`docker-compose.yml: ${name} depends on undefined service "${dep}"`);
    if (svc.container_name) problem(`docker-compose.yml: ${name} sets container_name, which prevents --scale`);
  }
  const envExample = existsSync(join(root, '.env.example')) ? readFileSync(join(root, '.env.example'), 'utf8') : undefined;
  if (!envExample) problem('.env.example is missing: cannot check variable names against the config documentation');
  for (const name of APP_SERVICES) {
    const svc = services[name];
    if (!svc) continue;
    const env = svc.environment ?? {};
    if (Array.isArray(env)) { problem(`docker-compose.yml: ${name}.environment must be a map`); continue; }
    if (env.SERVICE !== name) problem(`docker-compose.yml: ${name} has SERVICE=${env.SERVICE ?? '(unset)'}`);
    for (const key of REQUIRED_ENV) if (env[key] === undefined || env[key] === '') problem(`docker-compose.yml: ${name} lacks ${key}`);
    for (const [key, value] of Object.entries(FIXED)) if (env[key] !== value) problem(`docker-compose.yml: ${name} needs ${key}=${value}`);
    if (svc.build?.dockerfile !== 'deploy/Dockerfile') problem(`docker-compose.yml: ${name} is not built from deploy/Dockerfile`);
    if (!svc.healthcheck) problem(`docker-compose.yml: ${name} has no healthcheck`);
    for (const key of Object.keys(env)) {
      if (envExample && !NOT_APP_CONFIG.has(key) && !new RegExp(`^${key}=`, 'm').test(envExample)) {
        problem(`docker-compose.yml: ${name} sets ${key}, which .env.example does not document`);
      }
    }
  }
  if (services.scan?.deploy?.replicas !== 2) problem('docker-compose.yml: scan should run deploy.replicas: 2');
  const published = services.scan?.ports ?? [];
  if (published.length > 0) problem('docker-compose.yml: scan publishes host ports, which breaks --scale');
}

function checkCollector(cfg) {
  if (!cfg) return;
  const pipelines = cfg.service?.pipelines ?? {};
  if (!pipelines.traces) problem('deploy/otel-collector.yaml: no traces pipeline');
  for (const [pipeline, spec] of Object.entries(pipelines)) {
    for (const kind of ['receivers', 'processors', 'exporters']) {
      for (const id of spec?.[kind] ?? []) {
        if (!cfg[kind] || !(id in cfg[kind])) problem(`deploy/otel-collector.yaml: ${pipeline} uses undefined ${kind.slice(0, -1)} "${id}"`);
      }
    }
  }
  for (const id of cfg.service?.extensions ?? []) if (!cfg.extensions?.[id]) problem(`deploy/otel-collector.yaml: undefined extension "${id}"`);
}

function checkDockerfile() {
  const rel = 'deploy/Dockerfile';
  if (!existsSync(join(root, rel))) return problem(`${rel} is missing`);
  const text = readFileSync(join(root, rel), 'utf8');
  // Sources of COPY lines that come from the build context (not --from=stage).
  for (const line of text.split('\n')) {
    const m = /^COPY\s+(?!.*--from=)(.*)$/.exec(line.trim());
    if (!m) continue;
    const parts = m[1].split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) if (src !== '.' && !existsSync(join(root, src))) problem(`${rel}: COPY source "${src}" does not exist`);
  }
  if (!existsSync(join(root, 'deploy/Dockerfile.dockerignore'))) problem('deploy/Dockerfile.dockerignore is missing');
}

checkCompose(load('docker-compose.yml'));
checkCollector(load('deploy/otel-collector.yaml'));
checkDockerfile();

if (problems.length > 0) {
  for (const p of problems) console.error(`[check-deploy] ${p}`);
  console.error(`[check-deploy] FAILED: ${problems.length} problem(s)`);
  process.exit(1);
}
console.error('[check-deploy] ok: docker-compose.yml, deploy/otel-collector.yaml, deploy/Dockerfile');
