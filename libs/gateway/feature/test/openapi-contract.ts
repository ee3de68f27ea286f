import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Validates real HTTP responses against our OpenAPI documents: the path+method must exist, the status code must be
 * documented for it, and a JSON body must match the documented schema. Built on ajv 8 (already a dependency) rather
 * than a dedicated OpenAPI validator package: the documents are OpenAPI 3.0, whose schema objects ajv handles with
 * `strict: false` (OpenAPI-only keywords like `example` are ignored) and its built-in `nullable` support; $refs are
 * resolved by addressing each response schema by JSON pointer inside the whole document.
 */
export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  problem: string;
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
}

interface Route {
  doc: string;
  template: string;
  regex: RegExp;
  literalSegments: number;
}

const OPENAPI_DIR = join(__dirname, '..', '..', '..', '..', 'openapi');
export const CONTRACT_DOCUMENTS = ['ece461_fall_2025_openapi_spec.yaml', 'modelguard-extensions.openapi.yaml'] as const;

function pointerEscape(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, OpenApiDoc>();
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(files: readonly string[] = CONTRACT_DOCUMENTS, dir = OPENAPI_DIR) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    for (const f of ['double', 'float', 'int32', 'int64', 'binary']) this.ajv.addFormat(f, true);
    for (const file of files) {
      const doc = relaxIntegerOrNumber(parse(readFileSync(join(dir, file), 'utf8'))) as OpenApiDoc;
      this.docs.set(file, doc);
      this.ajv.addSchema(doc as object, file);
      for (const template of Object.keys(doc.paths)) this.routes.push(routeOf(file, template));
    }
    // Most specific first: /artifact/byRegEx must win over /artifact/{artifact_type}.
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  /** Returns the violations of one response (empty when it conforms). */
  check(method: string, urlPath: string, status: number, contentType: string | null, body: unknown): ContractViolation[] {
    const m = method.toLowerCase();
    const path = urlPath.split('?')[0] ?? urlPath;
    const v = (problem: string): ContractViolation[] => [{ method, path, status, problem }];
    const operationOf = (r: Route): Operation | undefined => this.docs.get(r.doc)?.paths[r.template]?.[m];
    const route = this.routes.find((r) => r.regex.test(path) && operationOf(r) !== undefined);
    const op = route === undefined ? undefined : operationOf(route);
    if (route === undefined || op === undefined) return v('no documented operation for this method and path');
    const response = op.responses?.[String(status)];
    if (response === undefined) return v(`status ${status} is not documented for ${method.toUpperCase()} ${route.template}`);
    const resolved = this.resolveResponse(route.doc, response, `/paths/${pointerEscape(route.template)}/${m}/responses/${status}`);
    const base = resolved.pointer;
    const content = resolved.response.content;
    if (content === undefined) return [];
    const json = Object.keys(content).find((k) => k.includes('json'));
    if (json === undefined) {
      const ct = (contentType ?? '').split(';')[0]?.trim() ?? '';
      return Object.keys(content).includes(ct) ? [] : v(`content-type ${ct} is not documented (${Object.keys(content).join(', ')})`);
    }
    if (content[json]?.schema === undefined) return [];
    if (!(contentType ?? '').includes('json')) return v(`expected a JSON body, got content-type ${contentType}`);
    const key = `${route.doc}#${base}/content/${pointerEscape(json)}/schema`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.getSchema(key);
      if (validate === undefined) return v(`cannot compile schema ${key}`);
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return v(`body does not match the schema: ${this.ajv.errorsText(validate.errors)}`);
  }

  private resolveResponse(
    doc: string,
    response: { $ref?: string; content?: Record<string, { schema?: unknown }> },
    inlinePointer: string,
  ): { pointer: string; response: { content?: Record<string, { schema?: unknown }> } } {
    if (response.$ref === undefined) return { pointer: inlinePointer, response };
    const name = response.$ref.replace('#/components/responses/', '');
    const shared = this.docs.get(doc)?.components?.responses?.[name];
    if (shared === undefined) throw new Error(`${doc}: unresolved response $ref ${response.$ref}`);
    return { pointer: `/components/responses/${pointerEscape(name)}`, response: shared };
  }
}

/**
 * The course spec's HealthMetricValue is `oneOf: [integer, number, string, boolean]`: in JSON Schema every integer
 * is also a number, so an integer matches two branches and fails `oneOf` — no health metric that is a whole number
 * could ever conform. The evident intent is "any scalar", so the integer branch is dropped when a number branch is
 * beside it (the served document stays byte-identical; only the checker reads it this way).
 */
function relaxIntegerOrNumber(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxIntegerOrNumber);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = relaxIntegerOrNumber(value);
  const branches = out['oneOf'];
  const isType = (b: unknown, t: string) => typeof b === 'object' && b !== null && (b as { type?: unknown }).type === t && Object.keys(b).length === 1;
  if (Array.isArray(branches) && branches.some((b) => isType(b, 'number'))) out['oneOf'] = branches.filter((b) => !isType(b, 'integer'));
  return out;
}

function routeOf(doc: string, template: string): Route {
  const segments = template.split('/').filter(Boolean);
  const last = segments.length - 1;
  const pattern = segments
    .map((s, i) => {
      if (!s.startsWith('{')) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // A segment mixing parameters and text (`{id}@{alias}`) matches only with that text in it.
      if (!/^\{[^}]+\}$/.test(s)) return s.split(/\{[^}]+\}/).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+?');
      // A trailing name/path parameter may contain '/', as names and package file paths do.
      return i === last && (s === '{name}' || s === '{path}') ? '.+' : '[^/]+';
    })
    .join('/');
  return { doc, template, regex: new RegExp(`^/${pattern}$`), literalSegments: segments.filter((s) => !s.startsWith('{')).length };
}
