import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One download attempt of a sensitive model, allowed or refused, with what its monitor program decided. Refusals
 * are kept here too (the plain `downloads` table records only what was served).
 */
@Entity({ name: 'sensitive_downloads' })
export class SensitiveDownloadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @Column({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ type: 'text' })
  part!: string;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ type: 'boolean' })
  allowed!: boolean;

  /** no-program | passed | failed | timeout | crashed | over-limit | unavailable (sensitive/monitor-verdict.ts). */
  @Column({ type: 'varchar', length: 16 })
  verdict!: string;

  @Column({ name: 'exit_code', type: 'int', nullable: true })
  exitCode!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  signal!: string | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'program_sha256', type: 'varchar', length: 64, nullable: true })
  programSha256!: string | null;

  /** The first few KB of the program's stdout (what the refusal showed the downloader). */
  @Column({ type: 'text', nullable: true })
  stdout!: string | null;

  @CreateDateColumn({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt!: Date;
}
