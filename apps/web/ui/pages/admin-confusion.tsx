import { useEffect, useState } from 'react';
import { apiOptional } from '../api/client';
import { Link } from '../components/link';

interface Suspect {
  id: string;
  name: string;
  type: string;
  score: number;
  looks_like: { id: string; name: string } | null;
  reasons: string[];
}

/** GET /artifacts/PackageConfusionAudit: names that imitate popular ones, and odd download traffic, with reasons. */
export function ConfusionSection() {
  const [suspects, setSuspects] = useState<Suspect[]>();
  useEffect(() => {
    apiOptional<Suspect[]>('GET', '/artifacts/PackageConfusionAudit')
      .then(setSuspects)
      .catch(() => setSuspects(undefined));
  }, []);
  if (suspects === undefined) return null;
  return (
    <section aria-labelledby="confusion-title">
      <h2 id="confusion-title">Package-confusion audit</h2>
      {suspects.length === 0 ? (
        <p>No suspects.</p>
      ) : (
        <ul className="suspects">
          {suspects.map((s) => (
            <li key={s.id}>
              <Link href={`/view/${s.type}/${encodeURIComponent(s.id)}`}>{s.name}</Link> (score {s.score.toFixed(2)})
              {s.looks_like ? ` looks like ${s.looks_like.name}` : ''}
              <ul>
                {s.reasons.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
