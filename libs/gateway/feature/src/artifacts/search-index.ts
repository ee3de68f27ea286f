import { qualifiedTable } from '@modelguard/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prefilteredScan } from '../domain/joined-scan';
import { SearchTexts } from '../domain/search-texts';
import { sketchOf, mightMatch, type TrigramQuery, type TrigramSketch } from '../domain/trigram-sketch';

/** Rows read per catch-up statement: each carries up to 256 KiB of README, so memory stays bounded. */
const CATCH_UP_BATCH = 200;
/** How often the index compares its size with the table's, to drop the sketches of deleted artifacts. */
const COMPACTION_INTERVAL_MS = 60_000;
/**
 * The most name and README bytes held for literal-free regex search: 100,000 artifacts with 600-character READMEs
 * take about 61 MiB. A registry past this answers such searches from the table, as before (slower, same result).
 */
export const MAX_HELD_TEXT_BYTES = 128 << 20;

/**
 * An in-memory trigram sketch of every artifact's name and README (domain/trigram-sketch.ts), so a regex search
 * reads from the database only the artifacts that can match instead of every README: 10,000 artifacts with
 * 600-character READMEs take about 3 MB. For patterns with no literal to look up it also holds the texts
 * themselves as UTF-8 (domain/search-texts.ts, up to MAX_HELD_TEXT_BYTES), searched in joined windows
 * (domain/joined-scan.ts), which again only names candidates: the database rows decide.
 *
 * It follows the artifacts table through a change column rather than through events, because a search must see
 * a create or a README change the moment it commits (the next request may be on another replica): every search
 * first reads the rows changed since the last look. The change column is the writing transaction's id
 * (`search_xid`, set by a trigger, gateway-search-index.migration.ts), and the next look starts at the oldest
 * transaction still running when this look began (`pg_snapshot_xmin`), so a transaction that commits late is
 * never skipped, at the price of reading a few rows twice. Deleted artifacts are not in that feed: their sketches
 * are dropped when a search finds their rows gone, and by a size check once a minute.
 */
@Injectable()
export class SearchIndex {
  private readonly sketches = new Map<string, TrigramSketch>();
  private readonly texts = new SearchTexts(MAX_HELD_TEXT_BYTES);
  /** Rows written by transactions from this id on may still be unseen. */
  private lowerXid = '0';
  private catchingUp: Promise<void> | null = null;
  private lastCompaction = Date.now();

  constructor(private readonly dataSource: DataSource) {}

  /** Ids of the artifacts whose name or README may contain what the query asks for (a superset of the matches). */
  async candidates(query: TrigramQuery): Promise<string[]> {
    await this.catchUp();
    const ids: string[] = [];
    for (const [id, sketch] of this.sketches) if (mightMatch(sketch, query)) ids.push(id);
    return ids;
  }

  /**
   * Ids of the artifacts whose name or README may match `pattern` (a superset of the matches), from the held
   * texts (those a prefilter derived from the pattern lets through, domain/regex-prefilter.ts); null when there are
   * more than limit() (asked after catching up) or the texts are not all held. The
   * pattern must have compiled and passed joinedScanSafe(). Past `deadline` it throws the search's 400.
   */
  async regexCandidates(pattern: string, deadline: number, limit: () => number): Promise<string[] | null> {
    await this.catchUp();
    if (!this.texts.complete) return null;
    return prefilteredScan(this.texts.view(), pattern, { deadline, limit: limit() });
  }

  /** Forgets artifacts a search found deleted. */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.sketches.delete(id);
      this.texts.delete(id);
    }
  }

  /** Drops everything (the registry was reset); the next search rebuilds from the table. */
  clear(): void {
    this.sketches.clear();
    this.texts.clear();
    this.lowerXid = '0';
  }

  /** Bytes of name and README text held (0 once past MAX_HELD_TEXT_BYTES). */
  get heldTextBytes(): number {
    return this.texts.bytes;
  }

  get size(): number {
    return this.sketches.size;
  }

  /** One catch-up at a time; concurrent searches wait for the running one, which covers their writes too. */
  private catchUp(): Promise<void> {
    if (this.catchingUp === null) {
      this.catchingUp = this.readChanges().finally(() => {
        this.catchingUp = null;
      });
      return this.catchingUp;
    }
    // A search that arrives during a catch-up may follow a write that catch-up's snapshot missed: run once more.
    return this.catchingUp.then(() => this.catchUp());
  }

  private async readChanges(): Promise<void> {
    await this.compactIfDue();
    const table = qualifiedTable(this.dataSource, 'artifacts');
    const [snapshot] = (await this.dataSource.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`)) as Array<{ xmin: string }>;
    let afterXid = this.lowerXid;
    let afterId = '';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT id, name, readme, search_xid::text AS xid FROM ${table}
          WHERE search_xid >= $1::xid8 AND (search_xid, id) > ($2::xid8, $3)
          ORDER BY search_xid, id LIMIT ${CATCH_UP_BATCH}`,
        [this.lowerXid, afterXid, afterId],
      )) as Array<{ id: string; name: string; readme: string | null; xid: string }>;
      for (const row of rows) {
        this.sketches.set(row.id, sketchOf([row.name, row.readme]));
        this.texts.set(row.id, row.name, row.readme);
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < CATCH_UP_BATCH) break;
      afterXid = last.xid;
      afterId = last.id;
    }
    if (snapshot !== undefined) this.lowerXid = snapshot.xmin;
  }

  /** Rebuilds from scratch when many artifacts were deleted since the sketches were made. */
  private async compactIfDue(): Promise<void> {
    if (Date.now() - this.lastCompaction < COMPACTION_INTERVAL_MS) return;
    this.lastCompaction = Date.now();
    const [row] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM ${qualifiedTable(this.dataSource, 'artifacts')}`)) as Array<{ n: number }>;
    const live = row?.n ?? 0;
    if (this.sketches.size > live * 1.25 + 100) this.clear();
  }
}
