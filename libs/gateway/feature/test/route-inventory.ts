import { RequestMethod, type INestApplication } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Permission } from '../src/auth/actor';
import { REQUIRED_PERMISSION } from '../src/auth/auth.decorators';
import { AuthGuard } from '../src/auth/auth.guard';
import { CONTRACT_DOCUMENTS } from './openapi-contract';

/** An operation of one of the OpenAPI documents, e.g. `DELETE /artifacts/{artifact_type}/{id}`. */
export interface SpecRoute {
  key: string;
  method: string;
  template: string;
  document: string;
}

/** A route the running Nest app serves, with how it is protected (read from its decorators, not restated). */
export interface HandlerRoute {
  key: string;
  guarded: boolean;
  permission: Permission | undefined;
}

const OPENAPI_DIR = join(__dirname, '..', '..', '..', '..', 'openapi');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation of both documents (the course spec and our extensions). */
export function specRoutes(): SpecRoute[] {
  return CONTRACT_DOCUMENTS.flatMap((document) => {
    const doc = parse(readFileSync(join(OPENAPI_DIR, document), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    return Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.keys(ops)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => ({ key: `${m.toUpperCase()} ${template}`, method: m.toUpperCase(), template, document })),
    );
  });
}

/** Every route of every controller in the app, in OpenAPI notation (`:id` → `{id}`, `*path` → `{path}`). */
export function handlerRoutes(app: INestApplication): HandlerRoute[] {
  const routes: HandlerRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (type === null) continue;
      const base = pathsOf(Reflect.getMetadata(PATH_METADATA, type));
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, type) ?? []) as unknown[];
      const classPermission = Reflect.getMetadata(REQUIRED_PERMISSION, type) as Permission | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[])];
        const permission = (Reflect.getMetadata(REQUIRED_PERMISSION, handler) as Permission | undefined) ?? classPermission;
        for (const prefix of base) {
          for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
            const template = `/${[prefix, path].filter((p) => p !== '' && p !== '/').join('/')}`.replace(/[:*](\w+)/g, '{$1}').replace(/\/+/g, '/');
            routes.push({ key: `${RequestMethod[method]} ${template}`, guarded: guards.includes(AuthGuard), permission });
          }
        }
      }
    }
  }
  return routes;
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.map((p) => String(p).replace(/^\/|\/$/g, ''));
  return [metadata === undefined ? '' : String(metadata).replace(/^\/|\/$/g, '')];
}
