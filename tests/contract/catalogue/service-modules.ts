import type { DynamicModule, Type } from '@nestjs/common';
import { AuditModule } from '@modelguard/audit-feature';
import type { ServiceName } from '@modelguard/contracts';
import { GatewayModule } from '@modelguard/gateway-feature';
import { IngestModule } from '@modelguard/ingest-feature';
import { LineageModule } from '@modelguard/lineage-feature';
import { ScanServiceModule } from '@modelguard/scan-feature';
import { ScoringModule } from '@modelguard/scoring-feature';
import { eventHandlersOf } from '@modelguard/messaging';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Each service's root module, as its main boots it (building the DynamicModule starts nothing). */
export const SERVICE_MODULES: Record<ServiceName, () => Type | DynamicModule> = {
  gateway: () => GatewayModule,
  ingest: () => IngestModule.forService(),
  scan: () => ScanServiceModule.forService(),
  scoring: () => ScoringModule.forService(),
  lineage: () => LineageModule.forService(),
  audit: () => AuditModule.forService(),
};

type Import = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => Type } | undefined;

/** Every provider and controller class a module tree declares (what Nest instantiates and the HandlerRegistry scans). */
export function classesOf(root: Type | DynamicModule): { providers: Type[]; controllers: Type[] } {
  const providers = new Set<Type>();
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (entry: Import): void => {
    if (entry === undefined || entry instanceof Promise || seen.has(entry)) return;
    seen.add(entry);
    if ('forwardRef' in entry) return visit(entry.forwardRef());
    const dynamic = 'module' in entry ? entry : undefined;
    const type = dynamic ? dynamic.module : (entry as Type);
    const meta = (key: string) => (Reflect.getMetadata(key, type) as unknown[] | undefined) ?? [];
    const allProviders = [...meta(MODULE_METADATA.PROVIDERS), ...(dynamic?.providers ?? [])];
    for (const p of allProviders) {
      if (typeof p === 'function') providers.add(p as Type);
      else if (p && typeof p === 'object' && 'useClass' in p && typeof p.useClass === 'function') providers.add(p.useClass as Type);
    }
    for (const c of [...meta(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])]) controllers.add(c as Type);
    for (const i of [...meta(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) visit(i as Import);
  };
  visit(root);
  return { providers: [...providers], controllers: [...controllers] };
}

/** The topics a service's handlers consume. */
export function consumedTopics(root: Type | DynamicModule): Set<string> {
  const { providers, controllers } = classesOf(root);
  return new Set([...providers, ...controllers].flatMap((c) => eventHandlersOf(c).flatMap((h) => h.topics)));
}

/** `METHOD /path` of every route a service's controllers serve, `:param` kept as declared. */
export function routesOf(root: Type | DynamicModule): Set<string> {
  const routes = new Set<string>();
  for (const controller of classesOf(root).controllers) {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const full = `/${[base, path].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      routes.add(`${RequestMethod[method]} ${full}`);
    }
  }
  return routes;
}

/** The production sources of a service's feature library (tests and test helpers excluded). */
export function featureSources(service: ServiceName): string {
  const dir = join(ROOT, 'libs', service, 'feature', 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(f) && !/(^|\/)(testing|test)\//.test(f),
  );
  return files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

/**
 * The `Topic.X` names a service's code refers to other than as a handler (`@OnEvent(Topic.X)`) or a type
 * (`typeof Topic.X`): the topics it publishes (every publish goes through `outbox.enqueue(…, Topic.X, …)`).
 */
export function publishedTopicNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(/(@OnEvent\(\s*|typeof\s+)?\bTopic\.([A-Za-z0-9]+)/g)) if (!match[1]) names.add(match[2]);
  return names;
}
