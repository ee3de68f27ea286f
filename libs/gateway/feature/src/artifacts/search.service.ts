import { ArtifactTypeSchema, type ArtifactType } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { RE2 } from 're2-wasm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { joinedScanSafe } from '../domain/joined-scan';
import { requiredLiterals } from '../domain/regex-literals';
import { compileSearchRegex, filterByRegex } from '../domain/regex-search';
import { trigramQueryOf } from '../domain/trigram-sketch';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { metadataOf, type ArtifactMetadataView } from './artifact-view';
import { SearchIndex } from './search-index';

export const PAGE_SIZE = 100;
export const MAX_QUERIES = 1000;
// Each row carries up to 256 KiB of README: small batches keep memory bounded.
const REGEX_BATCH = 100;
/** Candidate lists up to this long (or a quarter of the registry) are read by id; longer ones are cheaper as a scan. */
const INDEXED_LIMIT = 2_000;
/** byName has no pagination in the spec; cap it so one popular name cannot return an unbounded list. */
const BY_NAME_LIMIT = 10_000;

/** What enumerate and byName read: the metadata they answer with, and seq for the keyset cursor. */
type ListedRow = Pick<ArtifactEntity, 'seq' | 'name' | 'id' | 'type'>;

interface ArtifactQuery {
  name: string;
  types: ArtifactType[] | null;
}

export interface Page {
  items: ArtifactMetadataView[];
  /** Keyset cursor for the next request (the last seq returned). */
  nextOffset: string;
  /**
   * The items a query naming an artifact matched: what the page counts as search appearances. A `*` query lists,
   * it does not search: every artifact gets the same +1 from a listing (no signal for the package-confusion audit,
   * which compares look-alikes), and a crawler paging through the registry would write a counter per artifact listed,
   * which was most of a page's cost in the embedded process (bench/RESULTS.md, "Lookups: listings are not searches").
   */
  searchedFor: ArtifactMetadataView[];
}

/** Enumeration and search, always current with Postgres so a create is visible to the very next query. */
@Injectable()
export class SearchService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly index: SearchIndex,
  ) {}

  async enumerate(body: unknown, rawOffset: unknown): Promise<Page> {
    const queries = parseQueries(body);
    const offset = parseOffset(rawOffset);
    // Only what a listing shows (a whole row carries up to 256 KiB of README, and a page is 100 rows), as raw rows:
    // turning 100 rows into entities cost more allocation than the rest of the request (bench/RESULTS.md, lookups).
    const qb = this.listedRows().where('a.seq > :offset', { offset });
    const clauses: string[] = [];
    const params: Record<string, unknown> = {};
    queries.forEach((q, i) => {
      const parts: string[] = [];
      if (q.name !== '*') {
        parts.push(`a.name = :n${i}`);
        params[`n${i}`] = q.name;
      }
      if (q.types !== null) {
        parts.push(`a.type IN (:...t${i})`);
        params[`t${i}`] = q.types;
      }
      clauses.push(parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`);
    });
    qb.andWhere(`(${clauses.join(' OR ')})`, params).orderBy('a.seq', 'ASC').limit(PAGE_SIZE);
    const rows = await qb.getRawMany<ListedRow>();
    const last = rows[rows.length - 1];
    const items = rows.map(metadataOf);
    const named = queries.filter((q) => q.name !== '*');
    const searchedFor = named.length === 0 ? [] : items.filter((item) => named.some((q) => matchesNamed(q, item)));
    return { items, nextOffset: last === undefined ? String(offset) : last.seq, searchedFor };
  }

  async byName(rawName: string): Promise<ArtifactMetadataView[]> {
    if (rawName.length === 0 || rawName.length > 255) throw new ClientError(400, 'name must be 1 to 255 characters');
    const rows = await this.listedRows().where('a.name = :name', { name: rawName }).orderBy('a.seq', 'ASC').limit(BY_NAME_LIMIT).getRawMany<ListedRow>();
    if (rows.length === 0) throw new ClientError(404, `no artifact is named ${JSON.stringify(rawName)}`);
    return rows.map(metadataOf);
  }

  /**
   * Regex over names and READMEs, under one wall-clock budget. When every match must contain some literal text,
   * the trigram index names the few artifacts that can match and only those are read and tested; otherwise the
   * index searches its in-memory copy of the texts (domain/joined-scan.ts) for the candidates. When neither
   * narrows the search to a few, every artifact is read in keyset batches. RE2 on the rows read decides always.
   */
  async byRegex(body: unknown): Promise<ArtifactMetadataView[]> {
    if (typeof body !== 'object' || body === null) throw new ClientError(400, 'body must be {"regex": string}');
    const raw = (body as { regex?: unknown }).regex;
    const regex = compileSearchRegex(raw);
    const deadline = Date.now() + this.settings.gateway.regexBudgetMs;
    const pattern = raw as string;
    const literals = trigramQueryOf(requiredLiterals(pattern) ?? []);
    let candidates = literals === null ? null : await this.index.candidates(literals);
    if ((candidates === null || candidates.length > this.indexedLimit()) && joinedScanSafe(pattern)) {
      candidates = await this.index.regexCandidates(pattern, deadline, () => this.indexedLimit());
    }
    const hits = candidates !== null && candidates.length <= this.indexedLimit()
      ? await this.scanCandidates(regex, candidates, deadline)
      : await this.scanAll(regex, deadline);
    if (hits.length === 0) throw new ClientError(404, 'no artifact name or README matches the regex');
    return hits.map(metadataOf);
  }

  private indexedLimit(): number {
    return Math.max(INDEXED_LIMIT, this.index.size / 4);
  }

  private async scanCandidates(regex: RE2, ids: string[], deadline: number): Promise<ArtifactEntity[]> {
    const hits: ArtifactEntity[] = [];
    for (let i = 0; i < ids.length; i += REGEX_BATCH) {
      const chunk = ids.slice(i, i + REGEX_BATCH);
      const rows = await this.searchColumns().where('a.id IN (:...ids)', { ids: chunk }).getMany();
      if (rows.length < chunk.length) {
        const found = new Set(rows.map((r) => r.id));
        this.index.forget(chunk.filter((id) => !found.has(id)));
      }
      hits.push(...filterByRegex(regex, rows, this.remaining(deadline)));
    }
    return hits.sort((a, b) => Number(a.seq) - Number(b.seq));
  }

  private async scanAll(regex: RE2, deadline: number): Promise<ArtifactEntity[]> {
    const hits: ArtifactEntity[] = [];
    let after = '0';
    for (;;) {
      const batch = await this.searchColumns().where('a.seq > :after', { after }).orderBy('a.seq', 'ASC').limit(REGEX_BATCH).getMany();
      if (batch.length === 0) break;
      hits.push(...filterByRegex(regex, batch, this.remaining(deadline)));
      after = batch[batch.length - 1]?.seq ?? after;
    }
    return hits;
  }

  private remaining(deadline: number): number {
    const left = deadline - Date.now();
    if (left <= 0) throw new ClientError(400, 'regex search exceeded its time budget; use a more specific pattern');
    return left;
  }

  private searchColumns(): SelectQueryBuilder<ArtifactEntity> {
    return this.repo().createQueryBuilder('a').select(['a.id', 'a.name', 'a.type', 'a.seq', 'a.readme']);
  }

  /** The listed columns under their own names, for getRawMany (the row type is ListedRow). */
  private listedRows(): SelectQueryBuilder<ArtifactEntity> {
    return this.repo().createQueryBuilder('a').select(['a.seq AS seq', 'a.name AS name', 'a.id AS id', 'a.type AS type']);
  }

  private repo() {
    return this.dataSource.getRepository(ArtifactEntity);
  }
}

function parseQueries(body: unknown): ArtifactQuery[] {
  if (!Array.isArray(body) || body.length === 0) throw new ClientError(400, 'body must be a non-empty array of ArtifactQuery');
  if (body.length > MAX_QUERIES) throw new ClientError(413, `at most ${MAX_QUERIES} queries per request`);
  return body.map((raw: unknown, i): ArtifactQuery => {
    if (typeof raw !== 'object' || raw === null) throw new ClientError(400, `query ${i} must be an object`);
    const { name, types } = raw as { name?: unknown; types?: unknown };
    if (typeof name !== 'string' || name.length === 0 || name.length > 255) throw new ClientError(400, `query ${i}: name must be a non-empty string`);
    if (types === undefined || types === null) return { name, types: null };
    if (!Array.isArray(types)) throw new ClientError(400, `query ${i}: types must be an array`);
    const parsed = types.map((t: unknown) => {
      const r = ArtifactTypeSchema.safeParse(t);
      if (!r.success) throw new ClientError(400, `query ${i}: types may only contain model, dataset, code`);
      return r.data;
    });
    return { name, types: parsed.length === 0 ? null : parsed };
  });
}

/** Whether a query naming an artifact (not `*`) matches this listed item: its name, and its type when types are given. */
function matchesNamed(q: ArtifactQuery, item: ArtifactMetadataView): boolean {
  return q.name === item.name && (q.types === null || q.types.includes(item.type));
}

function parseOffset(raw: unknown): number {
  if (raw === undefined || raw === '') return 0;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw new ClientError(400, 'offset must be a non-negative integer string');
  return Number(raw);
}
