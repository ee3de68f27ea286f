import { useEffect, useState } from 'react';
import { apiOptional } from '../api/client';
import type { ArtifactMetadata, ArtifactVersion, ModelRating } from '../api/types';
import { VerdictBadge } from '../components/badges';

/** Two table cells: the latest version's scan verdict and (models) the net score, fetched in parallel per row. */
export function ResultSummary({ artifact }: { artifact: ArtifactMetadata }) {
  const [verdict, setVerdict] = useState<string>();
  const [score, setScore] = useState<number | null>();
  useEffect(() => {
    let live = true;
    const base = `/artifacts/${artifact.type}/${encodeURIComponent(artifact.id)}`;
    apiOptional<ArtifactVersion[]>('GET', `${base}/versions`)
      .then((versions) => live && setVerdict(versions?.at(-1)?.scan_state ?? 'none'))
      .catch(() => live && setVerdict('unknown'));
    if (artifact.type === 'model')
      apiOptional<ModelRating>('GET', `/artifact/model/${encodeURIComponent(artifact.id)}/rate`)
        .then((r) => live && setScore(typeof r?.net_score === 'number' ? r.net_score : null))
        .catch(() => live && setScore(null));
    else setScore(null);
    return () => {
      live = false;
    };
  }, [artifact.type, artifact.id]);
  return (
    <>
      <td>{verdict === undefined ? '…' : verdict === 'none' || verdict === 'unknown' ? '–' : <VerdictBadge verdict={verdict} />}</td>
      <td>{score === undefined ? '…' : score === null ? '–' : score.toFixed(2)}</td>
    </>
  );
}
