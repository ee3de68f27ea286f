// @ts-check
// Bulk-seeds artifacts straight into the gateway's own tables through the gateway's own TypeORM DataSource.
// Why not the REST API: POST /artifact/{type} waits up to ingestWaitMs (10 s) for ingestion, and in embedded mode a
// URL that is not HuggingFace/GitHub never leaves `ingesting`, so 10,000 API creates would take hours. The rows
// written here are exactly what a finished metadata-only create leaves behind: one artifact row + one stored,
// clean version 1.0.0 with an empty manifest.
'use strict';

const TYPES_SQL = `(ARRAY['model','dataset','code'])[1 + (i % 3)]`;
const BATCH = 2000;

/**
 * Inserts artifacts named `<prefix>-<00000..>` (types cycling model, dataset, code) with a README of roughly
 * `readmeBytes` characters, in batches. Returns how many were inserted.
 */
async function seedArtifacts(dataSource, { prefix, count, readmeBytes = 600, start = 0 }) {
  if (!/^[a-z0-9-]{1,40}$/.test(prefix)) throw new Error('prefix must be short lowercase [a-z0-9-]');
  const schema = dataSource.options.schema ?? 'gateway';
  const sentence = 'Seeded benchmark model card: trained on public text, evaluated on held-out data, license apache-2.0. ';
  const repeats = Math.max(1, Math.round(readmeBytes / sentence.length));
  let inserted = 0;
  for (let from = start; from < start + count; from += BATCH) {
    const to = Math.min(start + count, from + BATCH) - 1;
    const rows = await dataSource.query(
      `WITH a AS (
         INSERT INTO "${schema}".artifacts (id, type, name, url, latest_version, readme)
         SELECT replace(gen_random_uuid()::text, '-', ''), ${TYPES_SQL}, $1 || '-' || lpad(i::text, 5, '0'),
                'https://models.example.com/' || $1 || '/' || i, '1.0.0',
                '# ' || $1 || '-' || lpad(i::text, 5, '0') || E'\\n\\n' || repeat($4, $5::int)
         FROM generate_series($2::int, $3::int) AS i
         RETURNING id, url)
       INSERT INTO "${schema}".artifact_versions
         (artifact_id, version, ordinal, url, source, ingest_state, scan_state, files, total_bytes)
       SELECT id, '1.0.0', 0, url, 'bench-seed', 'stored', 'clean', '[]'::jsonb, 0 FROM a
       RETURNING artifact_id`,
      [prefix, from, to, sentence, repeats],
    );
    inserted += rows.length;
  }
  return inserted;
}

module.exports = { seedArtifacts };
