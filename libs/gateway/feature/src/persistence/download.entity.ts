import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Download history (who fetched which part of which version, when); written with its event in one transaction. */
@Entity({ name: 'downloads' })
export class DownloadEntity {
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

  @CreateDateColumn({ name: 'downloaded_at', type: 'timestamptz' })
  downloadedAt!: Date;
}
