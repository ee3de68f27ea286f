import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const ACTION = 'PERFORMANCE_WORKLOAD_RUN';

/**
 * An admin's start of the performance workload (issue 13.4): it makes hundreds of real downloads in their name.
 * Unlike the earlier action migrations this one extends the constraint it finds instead of writing a frozen list:
 * other actions were being added in parallel, and a frozen list would silently drop whichever migration ran first.
 */
export class AuditPerformanceWorkloadAction1764910000000 implements MigrationInterface {
  name = 'AuditPerformanceWorkloadAction1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const actions = await currentActions(queryRunner);
    if (!actions.includes(ACTION)) await replaceConstraint(queryRunner, [...actions, ACTION]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "${schemaOf(queryRunner)}"."audit_entry" WHERE "action" = $1`, [ACTION]);
    await replaceConstraint(queryRunner, (await currentActions(queryRunner)).filter((a) => a !== ACTION));
  }
}

/** The action names the CHECK constraint allows today (each is an upper-case identifier inside quotes). */
async function currentActions(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(
    `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
     WHERE c.conname = 'CHK_audit_entry_action' AND r.relname = 'audit_entry' AND n.nspname = $1`,
    [schemaOf(queryRunner)],
  )) as Array<{ def: string }>;
  if (rows.length !== 1) throw new Error('audit_entry has no CHK_audit_entry_action constraint to extend');
  return [...rows[0].def.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
}

async function replaceConstraint(queryRunner: QueryRunner, actions: string[]): Promise<void> {
  const t = `"${schemaOf(queryRunner)}"."audit_entry"`;
  await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT "CHK_audit_entry_action"`);
  await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT "CHK_audit_entry_action" CHECK ("action" IN (${actions.map((a) => `'${a}'`).join(', ')}))`);
}
