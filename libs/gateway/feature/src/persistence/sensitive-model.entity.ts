import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A model marked sensitive (a row exists) and its zero-or-one monitor program, stored content-addressed in the blob
 * store (sha256 of the source). Rows go with their artifact (ON DELETE CASCADE).
 */
@Entity({ name: 'sensitive_models' })
export class SensitiveModelEntity {
  @PrimaryColumn({ name: 'artifact_id', type: 'varchar', length: 64 })
  artifactId!: string;

  @Column({ name: 'marked_by', type: 'varchar', length: 128 })
  markedBy!: string;

  @Column({ name: 'program_sha256', type: 'varchar', length: 64, nullable: true })
  programSha256!: string | null;

  @Column({ name: 'program_size', type: 'int', nullable: true })
  programSize!: number | null;

  @Column({ name: 'program_by', type: 'varchar', length: 128, nullable: true })
  programBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
