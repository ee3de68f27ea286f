// @ts-check
// Rated models in the standalone gateway (distributed layout on Postgres 15), for timing /rate away from PGlite. No
// scoring service runs next to that gateway, so this writes the read-model rows its RatingComputed handler would
// write: ratings computed here by the same computeRating, one per seeded model.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { evidenceVariants } from './sample-evidence.mjs';

/**
 * Seeds `count` models (through the registry benchmark's seeding: artifact + stored, clean version 1.0.0) and gives
 * each a rating row. Returns the model ids.
 * @param {import('../../registry/lib/registry-server.mjs').RegistryHandle} server
 * @param {string} dist
 * @param {number} count
 */
export async function seedRatedModels(server, dist, count) {
  if (!server.databaseUrl) throw new Error('the server exposes no database to write ratings into');
  // Seeding cycles model, dataset, code: 3 × count artifacts hold `count` models.
  await server.seed({ prefix: 'scorebench', count: count * 3 });
  const { computeRating } = createRequire(import.meta.url)(join(dist, 'libs/scoring/feature/src/rating/compute-rating.js'));
  const evidences = evidenceVariants(dist, count);
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT id, name FROM gateway.artifacts WHERE type = 'model' ORDER BY name LIMIT $1`, [count]);
    for (let i = 0; i < rows.length; i++) {
      const { rating, reasons, fallbacks } = await computeRating(evidences[i]);
      await client.query(
        `INSERT INTO gateway.model_ratings (artifact_id, version, rating, reasons, fallbacks, computed_at) VALUES ($1, '1.0.0', $2, $3, $4, now())`,
        [rows[i].id, JSON.stringify({ ...rating, name: rows[i].name }), JSON.stringify(reasons), JSON.stringify(fallbacks)],
      );
    }
    return rows.map((r) => String(r.id));
  } finally {
    await client.end();
  }
}
