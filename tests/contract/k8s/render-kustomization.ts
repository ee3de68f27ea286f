import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One rendered Kubernetes object (only the fields every object has are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}
interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path: string; target?: PatchTarget }[];
  [field: string]: unknown;
}

/** The kustomization fields this renderer implements; anything else fails loudly instead of being ignored. */
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'images', 'patches']);
/** Cluster-scoped kinds: kustomize's namespace transformer leaves them alone. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/**
 * Renders a kustomization directory the way `kustomize build` does, for the subset deploy/k8s uses (resources,
 * namespace, labels without selectors, images, JSON6902 patches with a target, strategic-merge patches of maps).
 * The CI machine has no kustomize binary; where `kubectl` exists, the spec compares this output with
 * `kubectl kustomize` so the two cannot silently differ.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const k = readYaml(join(dir, 'kustomization.yaml'))[0] as Kustomization;
  const unsupported = Object.keys(k).filter((f) => !SUPPORTED.has(f));
  if (unsupported.length > 0) throw new Error(`${dir}: kustomization fields not supported by the test renderer: ${unsupported.join(', ')}`);

  let objects: K8sObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : (readYaml(path) as K8sObject[])));
  }
  for (const patch of k.patches ?? []) objects = applyPatch(objects, resolve(dir, patch.path), patch.target);
  for (const o of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    for (const l of k.labels ?? []) {
      if (l.includeSelectors || l.includeTemplates) throw new Error('labels with selectors/templates are not supported');
      o.metadata.labels = { ...(o.metadata.labels ?? {}), ...l.pairs };
    }
    for (const image of k.images ?? []) retag(o, image);
  }
  return objects;
}

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0]!.message}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d != null);
}

function matches(o: K8sObject, t: PatchTarget): boolean {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return (
    (t.kind === undefined || t.kind === o.kind) &&
    (t.name === undefined || t.name === o.metadata.name) &&
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version)
  );
}

function applyPatch(objects: K8sObject[], file: string, target: PatchTarget | undefined): K8sObject[] {
  const body = readYaml(file)[0];
  if (Array.isArray(body)) {
    if (!target) throw new Error(`${dirname(file)}: a JSON6902 patch needs a target`);
    const hits = objects.filter((o) => matches(o, target));
    if (hits.length === 0) throw new Error(`${file}: target matches nothing`);
    for (const o of hits) for (const op of body as JsonPatchOp[]) applyJsonPatchOp(o, op, file);
    return objects;
  }
  const partial = body as K8sObject;
  const hit = objects.find((o) => o.kind === partial.kind && o.metadata.name === partial.metadata.name);
  if (!hit) throw new Error(`${file}: patches ${partial.kind}/${partial.metadata.name}, which no resource defines`);
  mergeMaps(hit as unknown as Record<string, unknown>, partial as unknown as Record<string, unknown>, file);
  return objects;
}

/** Strategic merge for maps only; lists would need the merge keys kustomize knows, so they are refused. */
function mergeMaps(into: Record<string, unknown>, patch: Record<string, unknown>, file: string): void {
  for (const [key, value] of Object.entries(patch)) {
    if (Array.isArray(value)) throw new Error(`${file}: list fields in strategic-merge patches are not supported (${key})`);
    const existing = into[key];
    if (value !== null && typeof value === 'object' && existing !== null && typeof existing === 'object' && !Array.isArray(existing)) {
      mergeMaps(existing as Record<string, unknown>, value as Record<string, unknown>, file);
    } else {
      into[key] = value;
    }
  }
}

function applyJsonPatchOp(o: K8sObject, op: JsonPatchOp, file: string): void {
  const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.pop();
  if (last === undefined) throw new Error(`${file}: empty patch path`);
  let node: unknown = o;
  for (const p of parts) {
    node = Array.isArray(node) ? node[Number(p)] : (node as Record<string, unknown> | undefined)?.[p];
    if (node === undefined) throw new Error(`${file}: ${op.path} does not exist`);
  }
  if (Array.isArray(node)) {
    const index = last === '-' ? node.length : Number(last);
    if (op.op === 'add') node.splice(index, 0, op.value);
    else if (op.op === 'replace' && index < node.length) node[index] = op.value;
    else if (op.op === 'remove' && index < node.length) node.splice(index, 1);
    else throw new Error(`${file}: ${op.op} ${op.path} is out of range`);
    return;
  }
  const map = node as Record<string, unknown>;
  if (op.op !== 'add' && !(last in map)) throw new Error(`${file}: ${op.op} ${op.path}: no such field`);
  if (op.op === 'remove') delete map[last];
  else map[last] = op.value;
}

interface PodSpecLike {
  containers?: { image?: string }[];
  initContainers?: { image?: string }[];
}

function retag(o: K8sObject, image: { name: string; newName?: string; newTag?: string }): void {
  const podSpec = (o['spec'] as { template?: { spec?: PodSpecLike } } | undefined)?.template?.spec;
  for (const c of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
    const [name] = (c.image ?? '').split(':');
    if (name !== image.name) continue;
    c.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ''}`;
  }
}
