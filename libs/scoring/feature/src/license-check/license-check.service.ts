import { Inject, Injectable } from '@nestjs/common';
import type { LicenseCheckV1 } from '@modelguard/contracts';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { DATA_SOURCE } from '@modelguard/persistence';
import { BlobStore } from '@modelguard/storage';
import type { DataSource } from 'typeorm';
import type { GithubRepoRef } from '../evidence/github-repo-url';
import { fineTuneCompatibility } from '../licenses/fine-tune-compatibility';
import { normaliseLicenseId } from '../licenses/license-classification';
import { type ModelLicense, modelLicenseOf } from '../licenses/model-license';
import { readCard } from '../metrics/card-document';
import { ScoredArtifactStore } from '../persistence/scored-artifact.store';
import { PackageReadmeReader } from '../worker/package-readme.reader';
import type { CodeLicense, GithubLicenseReader } from './github-license.reader';

export const GITHUB_LICENSE_READER = Symbol.for('modelguard.scoring.github-license-reader');

/** A license as judged: the id the table reads ('' = none stated) and where it was found. */
interface JudgedLicense {
  id: string;
  source: string;
}

/** Unreadable terms are judged as `other` (custom): the table never takes them for a known license. */
function judgedModelLicense(found: ModelLicense): JudgedLicense {
  switch (found.kind) {
    case 'declared':
      return { id: found.id, source: found.from };
    case 'readme':
      return { id: found.id, source: 'the README License section' };
    case 'readme-unrecognised':
      return { id: 'other', source: 'the README License section, which names no license we recognise' };
    case 'none':
      return { id: '', source: 'no license in the metadata, the card or a README License section' };
  }
}

function judgedCodeLicense(code: Extract<CodeLicense, { status: 'found' | 'unrecognised' | 'none' }>): JudgedLicense {
  if (code.status === 'found') return { id: code.id, source: code.source };
  if (code.status === 'unrecognised') return { id: 'other', source: code.source };
  return { id: '', source: 'the repository has no license file' };
}

const asChecked = (l: JudgedLicense) => ({ id: l.id === '' ? null : normaliseLicenseId(l.id), source: l.source.slice(0, 300) });

/**
 * The license check (`LicenseCheck` query): may the code of a GitHub project be used to fine-tune a model and ship
 * its inference? The model's license is read from its latest stored version exactly as the `license` metric reads
 * it (licenses/model-license.ts; the README from the blob store for uploads), the project's from GitHub
 * (github-license.reader.ts), and the pair is judged by the table in licenses/fine-tune-compatibility.ts. Every
 * verdict is logged with its reason, so a "not compatible" for unreadable terms can be reviewed.
 */
@Injectable()
export class LicenseCheckService {
  private readonly artifacts = new ScoredArtifactStore();
  private readonly readmes: PackageReadmeReader;
  private readonly logger: Logger;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GITHUB_LICENSE_READER) private readonly github: GithubLicenseReader,
    @Inject(BlobStore) blobs: BlobStore,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.readmes = new PackageReadmeReader(blobs);
    this.logger = logger.child({ context: 'LicenseCheckService' });
  }

  /** The verdict, or null when no version of a model with this id is recorded. */
  async check(artifactId: string, repo: GithubRepoRef): Promise<LicenseCheckV1 | null> {
    const model = await this.artifacts.findLatest(this.dataSource.manager, artifactId);
    if (model === null || model.type !== 'model') return null;
    const metadata = await this.readmes.withReadme(model.files, model.metadata);
    const modelLicense = judgedModelLicense(modelLicenseOf(metadata, readCard(metadata.readme)));
    const code = await this.github.read(repo);
    const facts = { artifactId, version: model.version, repo: `${repo.owner}/${repo.repo}` };
    if (code.status === 'repo-not-found') {
      this.logger.info('license check: GitHub project not found', { ...facts, reason: code.reason });
      return { outcome: 'github-not-found', reason: code.reason };
    }
    if (code.status === 'unreachable') {
      this.logger.warn('license check: GitHub unreachable', { ...facts, reason: code.reason });
      return { outcome: 'github-unreachable', reason: code.reason };
    }
    const codeLicense = judgedCodeLicense(code);
    const verdict = fineTuneCompatibility(modelLicense.id, codeLicense.id);
    this.logger.info(`license check: ${verdict.compatible ? 'compatible' : 'not compatible'} (${verdict.rule})`, {
      ...facts,
      modelLicense,
      codeLicense,
      reason: verdict.reason,
    });
    return { outcome: 'checked', ...verdict, modelLicense: asChecked(modelLicense), codeLicense: asChecked(codeLicense) };
  }
}
