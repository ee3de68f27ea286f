import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, apiOptional } from '../api/client';
import type { Artifact, ArtifactCost, ArtifactVersion, AuditEntry, LineageGraph, ModelRating, ScanReport } from '../api/types';
import { VerdictBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { Link } from '../components/link';
import { AuditSection, CostSection, LicenseCheck, SignatureSection } from './details-sections';
import { DownloadSection } from './download-section';
import { LineageGraphView } from './lineage-graph';
import { RatingSection } from './rating-section';
import { ReleasesSection } from './releases-section';
import { ScanSection } from './scan-section';
import { type SensitiveDownload, SensitiveSection, type Sensitivity } from './sensitive-section';
import { VersionsSection } from './versions-section';

interface Loaded {
  artifact: Artifact;
  versions: ArtifactVersion[];
  rating?: ModelRating;
  scan?: ScanReport;
  scanPending?: string;
  lineage?: LineageGraph;
  cost?: ArtifactCost;
  costWithDeps?: ArtifactCost;
  audit?: AuditEntry[];
  signature?: unknown;
  sensitivity?: Sensitivity;
  sensitiveHistory?: SensitiveDownload[];
}

/** A section whose API is missing (404/501) or refuses this user simply does not show: no placeholder data. */
const optional = <T,>(promise: Promise<T | undefined>): Promise<T | undefined> =>
  promise.catch((error: unknown) => {
    if (error instanceof ApiError && error.status < 500) return undefined;
    throw error;
  });

async function load(type: string, id: string): Promise<Loaded> {
  const enc = encodeURIComponent(id);
  const base = `/artifacts/${type}/${enc}`;
  // Every call at once: no waterfall. Only the artifact itself is required.
  const [artifact, versions, rating, scan, lineage, cost, costWithDeps, audit, signature, sensitivity, sensitiveHistory] = await Promise.all([
    api<Artifact>('GET', base).then((r) => r.body),
    optional(apiOptional<ArtifactVersion[]>('GET', `${base}/versions`)),
    type === 'model' ? optional(apiOptional<ModelRating>('GET', `/artifact/model/${enc}/rate`)) : undefined,
    optional(api<ScanReport & { status?: string }>('GET', `${base}/scan-report`).then((r) => ({ status: r.status, body: r.body }))),
    optional(apiOptional<LineageGraph>('GET', `${base}/lineage`)),
    optional(apiOptional<ArtifactCost>('GET', `/artifact/${type}/${enc}/cost`)),
    optional(apiOptional<ArtifactCost>('GET', `/artifact/${type}/${enc}/cost?dependency=true`)),
    optional(apiOptional<AuditEntry[]>('GET', `/artifact/${type}/${enc}/audit`)),
    optional(apiOptional<unknown>('GET', `${base}/signature`)),
    type === 'model' ? optional(apiOptional<Sensitivity>('GET', `${base}/sensitive`)) : undefined,
    type === 'model' ? optional(apiOptional<SensitiveDownload[]>('GET', `${base}/download-history`)) : undefined,
  ]);
  const scanPending = scan?.status === 202 ? String(scan.body.status ?? 'waiting to be scanned') : undefined;
  return {
    artifact,
    versions: versions ?? [],
    rating,
    scan: scan?.status === 200 ? scan.body : undefined,
    scanPending,
    lineage,
    cost,
    costWithDeps,
    audit,
    signature,
    sensitivity,
    sensitiveHistory,
  };
}

export default function ArtifactPage({ type, id }: { type: string; id: string }) {
  const [data, setData] = useState<Loaded>();
  const [failure, setFailure] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let live = true;
    setFailure(undefined);
    load(type, id)
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setFailure(e));
    return () => {
      live = false;
    };
  }, [type, id, generation]);

  if (failure)
    return (
      <>
        <h1>Artifact {id}</h1>
        <ErrorBox error={failure} title="Could not load this artifact" />
        <Link href="/browse">Back to the directory</Link>
      </>
    );
  if (!data) return <p role="status">Loading the artifact…</p>;
  const { artifact, versions } = data;
  const latest = versions.at(-1);
  const base = `/artifacts/${type}/${encodeURIComponent(id)}`;
  return (
    <>
      <h1>
        {artifact.metadata.name} <span className="type-tag">{artifact.metadata.type}</span>
      </h1>
      <dl className="pairs">
        <dt>Id</dt>
        <dd>
          <code>{artifact.metadata.id}</code>
        </dd>
        <dt>Source</dt>
        <dd>{artifact.data.url}</dd>
        {latest && (
          <>
            <dt>Latest version</dt>
            <dd>
              {latest.version} <VerdictBadge verdict={latest.scan_state} />
            </dd>
          </>
        )}
        {data.rating && (
          <>
            <dt>Net score</dt>
            <dd>{Number(data.rating['net_score']).toFixed(2)}</dd>
          </>
        )}
      </dl>
      {versions.length > 0 && <VersionsSection base={base} versions={versions} onChanged={reload} />}
      {type === 'model' && <ReleasesSection base={base} versions={versions.map((v) => v.version)} />}
      {data.rating && <RatingSection rating={data.rating} />}
      {(data.scan || data.scanPending) && <ScanSection report={data.scan} pending={data.scanPending} />}
      {data.lineage && (
        <section aria-labelledby="lineage-title">
          <h2 id="lineage-title">Lineage</h2>
          <LineageGraphView graph={data.lineage} />
        </section>
      )}
      <CostSection id={artifact.metadata.id} alone={data.cost} withDeps={data.costWithDeps} />
      {type === 'model' && <LicenseCheck id={artifact.metadata.id} />}
      <SignatureSection bundle={data.signature} />
      {type === 'model' && <SensitiveSection id={artifact.metadata.id} state={data.sensitivity} history={data.sensitiveHistory} />}
      <DownloadSection base={base} name={artifact.metadata.name} versions={versions.map((v) => v.version)} />
      <AuditSection entries={data.audit} />
    </>
  );
}
