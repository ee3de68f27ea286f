import { SignJWT, decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/gateway-settings';
import { ArtifactEntity } from '../src/persistence/artifact.entity';
import type { Permission } from '../src/auth/actor';
import { login, registerUser, type Session } from './auth-helpers';
import type { GatewayTestApp } from './gateway-test-app';
import type { CreatedArtifact } from './helpers';
import type { HandlerRoute } from './route-inventory';

/** Who calls: nobody, a forger, a user holding exactly one permission, or an admin. */
export type Role = 'anonymous' | 'forged' | Permission;
export const ROLES: readonly Role[] = ['anonymous', 'forged', 'upload', 'search', 'download', 'admin'];

/**
 * What a route acts on beyond its permission: an artifact (changing it needs its owner or an admin) or a user
 * account (your own, or any as an admin). Such routes run twice per role: on an object the caller owns, and on
 * someone else's.
 */
export type ObjectScope = 'artifact' | 'account';

export interface Caller {
  role: Role;
  /** null for anonymous and forged callers. */
  session: Session | null;
  /** The caller's token (a forged one for `forged`, none for `anonymous`). */
  token: string | null;
  target: 'own' | 'foreign';
}

export interface MatrixRequest {
  path: string;
  json?: unknown;
  rawBody?: Buffer;
  contentType?: string;
  /** Replaces the caller's token (routes that consume it, e.g. sign-out, act on a fresh one of the same caller). */
  token?: string | null;
}

export interface MatrixRow {
  /** Status of an allowed call (permission held and, for object routes, own object or admin). */
  allowed: number;
  object?: ObjectScope;
  /** Builds the concrete request; destructive rows create the object they destroy, so every call is independent. */
  request(ctx: MatrixContext, caller: Caller): Promise<MatrixRequest> | MatrixRequest;
}

/**
 * The status a caller must get. The permission comes from the route's own @RequirePermission (via the route
 * inventory), so a route whose decorator changes is held to the new rule without touching the table.
 */
export function expectedStatus(row: MatrixRow, route: HandlerRoute, caller: Caller): number {
  if (!route.guarded) return row.allowed;
  if (caller.session === null) return 403; // no token or a forged one: "Authentication failed"
  const isAdmin = caller.role === 'admin';
  if (route.permission !== undefined && !isAdmin && caller.role !== route.permission) return route.permission === 'admin' ? 401 : 403;
  if (row.object !== undefined && caller.target === 'foreign' && !isAdmin) return 403;
  return row.allowed;
}

/** Users, tokens and artifacts the rows act on; everything is created through the API except an artifact's owner. */
export class MatrixContext {
  private counter = 0;
  private readonly sharedArtifacts = new Map<string, Promise<CreatedArtifact>>();

  private constructor(
    readonly app: GatewayTestApp,
    /** The default admin, for building fixtures (never a caller). */
    readonly fixtureAdmin: string,
    readonly sessions: Readonly<Record<Permission, Session>>,
    /** Owns every "foreign" object. */
    readonly other: Session,
    readonly forgedToken: string,
  ) {}

  static async create(app: GatewayTestApp, fixtureAdmin: string): Promise<MatrixContext> {
    const reg = (name: string, perms: Permission[]) => registerUser(app.client, fixtureAdmin, name, perms);
    const sessions = { upload: await reg('matrix-upload', ['upload']), search: await reg('matrix-search', ['search']), download: await reg('matrix-download', ['download']), admin: await reg('matrix-admin', ['admin']) };
    const other = await reg('matrix-other', ['upload', 'search', 'download']);
    const forged = await new SignJWT({ adm: true, perms: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('matrix-admin')
      .setJti(randomUUID()).setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-registry-secret-not-the-registry-secret'));
    return new MatrixContext(app, fixtureAdmin, sessions, other, `bearer ${forged}`);
  }

  callerFor(role: Role, target: Caller['target']): Caller {
    if (role === 'anonymous') return { role, session: null, token: null, target };
    if (role === 'forged') return { role, session: null, token: this.forgedToken, target };
    const session = this.sessions[role];
    return { role, session, token: session.token, target };
  }

  unique(label: string): string {
    return `${label}-${++this.counter}`;
  }

  /** The account a caller acts on: its own, or the `other` user's. */
  account(caller: Caller): Session {
    return caller.target === 'own' && caller.session !== null ? caller.session : this.other;
  }

  /** A fresh user with the caller's permissions (or a fresh victim for foreign targets), signed in. */
  async freshAccount(caller: Caller): Promise<Session> {
    const perms: Permission[] = caller.target === 'own' && caller.session !== null ? [caller.role as Permission] : ['search'];
    return registerUser(this.app.client, this.fixtureAdmin, this.unique(`matrix-${caller.target}`), perms);
  }

  /** A new token of an existing user (several may be live at once). */
  relogin(session: Session): Promise<string> {
    return login(this.app.client, session.name, session.password);
  }

  tokenId(token: string): string {
    return String(decodeJwt(token.replace(/^bearer /, '')).jti);
  }

  /** A new model owned by the caller (own target) or by `other`; created by the admin, then assigned. */
  async freshArtifact(caller: Caller): Promise<CreatedArtifact> {
    const res = await this.app.client.call<CreatedArtifact>('POST', '/artifact/model', { token: this.fixtureAdmin, json: { url: `https://huggingface.co/matrix/${this.unique('model')}` } });
    expect(res.status).toBe(201);
    const owner = caller.target === 'own' && caller.session !== null ? caller.session.name : this.other.name;
    await this.app.dataSource.getRepository(ArtifactEntity).update({ id: res.body.metadata.id }, { owner });
    return res.body;
  }

  /** One long-lived model per owner for rows that do not destroy it. */
  sharedArtifact(caller: Caller): Promise<CreatedArtifact> {
    const owner = caller.target === 'own' && caller.session !== null ? caller.session.name : this.other.name;
    let found = this.sharedArtifacts.get(owner);
    if (found === undefined) {
      found = this.freshArtifact(caller);
      this.sharedArtifacts.set(owner, found);
    }
    return found;
  }
}
