import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { ARTIFACT_TYPES, type ArtifactMetadata, type ArtifactType } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { Link } from '../components/link';
import { navigate } from '../router';
import { ResultSummary } from './result-summary';

type Mode = 'all' | 'name' | 'regex';
interface Query {
  mode: Mode;
  q: string;
  types: ArtifactType[];
  offset: string;
}

function queryOf(params: URLSearchParams): Query {
  const mode = params.get('mode');
  const types = (params.get('types') ?? '').split(',').filter((t): t is ArtifactType => (ARTIFACT_TYPES as readonly string[]).includes(t));
  return { mode: mode === 'name' || mode === 'regex' ? mode : 'all', q: params.get('q') ?? '', types, offset: params.get('offset') ?? '' };
}

function hrefOf(query: Query): string {
  const params = new URLSearchParams();
  if (query.mode !== 'all') params.set('mode', query.mode);
  if (query.q) params.set('q', query.q);
  if (query.types.length) params.set('types', query.types.join(','));
  if (query.offset) params.set('offset', query.offset);
  const text = params.toString();
  return `/browse${text ? `?${text}` : ''}`;
}

async function runQuery(query: Query): Promise<{ items: ArtifactMetadata[]; next?: string }> {
  const ofTypes = (items: ArtifactMetadata[]) => (query.types.length ? items.filter((a) => query.types.includes(a.type)) : items);
  if (query.mode === 'name') return { items: ofTypes((await api<ArtifactMetadata[]>('GET', `/artifact/byName/${encodeURIComponent(query.q)}`)).body) };
  if (query.mode === 'regex') return { items: ofTypes((await api<ArtifactMetadata[]>('POST', '/artifact/byRegEx', { regex: query.q })).body) };
  const body = [{ name: '*', ...(query.types.length ? { types: query.types } : {}) }];
  const res = await api<ArtifactMetadata[]>('POST', `/artifacts${query.offset ? `?offset=${encodeURIComponent(query.offset)}` : ''}`, body);
  const next = res.headers.get('offset') ?? undefined;
  // The offset is a keyset cursor and the API does not say whether more follows: peek at the next page so the
  // pager never leads to an empty one.
  if (!next || next === query.offset || res.body.length === 0) return { items: res.body };
  const peek = await api<ArtifactMetadata[]>('POST', `/artifacts?offset=${encodeURIComponent(next)}`, body);
  return { items: res.body, next: peek.body.length > 0 ? next : undefined };
}

export default function BrowsePage({ params }: { params: URLSearchParams }) {
  const query = queryOf(params);
  const [mode, setMode] = useState<Mode>(query.mode);
  const [text, setText] = useState(query.q);
  const [types, setTypes] = useState<ArtifactType[]>(query.types);
  const [fieldError, setFieldError] = useState<string>();
  const [result, setResult] = useState<{ items: ArtifactMetadata[]; next?: string }>();
  const [failure, setFailure] = useState<unknown>();
  const key = hrefOf(query);

  useEffect(() => {
    let live = true;
    setResult(undefined);
    setFailure(undefined);
    runQuery(query)
      .then((r) => live && setResult(r))
      .catch((error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 404) setResult({ items: [] });
        else if (error instanceof ApiError && error.status === 400 && query.mode !== 'all') setFieldError(error.message);
        else setFailure(error);
      });
    return () => {
      live = false;
    };
    // The URL (key) is the whole query: re-run only when it changes.
  }, [key]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mode !== 'all' && text.trim() === '') {
      setFieldError(mode === 'name' ? 'Enter a name to look up.' : 'Enter a regular expression.');
      document.getElementById('search-text')?.focus();
      return;
    }
    setFieldError(undefined);
    navigate(hrefOf({ mode, q: mode === 'all' ? '' : text.trim(), types, offset: '' }));
  };
  const toggle = (type: ArtifactType) => setTypes((now) => (now.includes(type) ? now.filter((t) => t !== type) : [...now, type]));

  return (
    <>
      <h1>Browse the registry</h1>
      <form className="search" role="search" aria-label="Search artifacts" onSubmit={submit} noValidate>
        <fieldset>
          <legend>Search by</legend>
          {(['all', 'name', 'regex'] as const).map((m) => (
            <span className="radio" key={m}>
              <input type="radio" id={`mode-${m}`} name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              <label htmlFor={`mode-${m}`}>{m === 'all' ? 'Whole directory' : m === 'name' ? 'Exact name' : 'Regular expression (names and READMEs)'}</label>
            </span>
          ))}
        </fieldset>
        <Field
          id="search-text"
          label={mode === 'regex' ? 'Regular expression' : 'Name'}
          value={text}
          disabled={mode === 'all'}
          onChange={(e) => setText(e.target.value)}
          error={fieldError}
          hint={mode === 'regex' ? 'For example ^bert-.*' : undefined}
        />
        <fieldset>
          <legend>Types</legend>
          {ARTIFACT_TYPES.map((type) => (
            <span className="check" key={type}>
              <input type="checkbox" id={`type-${type}`} checked={types.includes(type)} onChange={() => toggle(type)} />
              <label htmlFor={`type-${type}`}>{type}</label>
            </span>
          ))}
        </fieldset>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={failure} title="The search failed" />
      <section aria-labelledby="results-title" aria-busy={result === undefined && !failure}>
        <h2 id="results-title">Results</h2>
        {result === undefined && !failure && <p role="status">Searching…</p>}
        {result && result.items.length === 0 && <p role="status">No artifacts match.</p>}
        {result && result.items.length > 0 && (
          <table className="results">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Scan verdict</th>
                <th scope="col">Net score</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((a) => (
                <tr key={`${a.type}/${a.id}`}>
                  <td>
                    <Link href={`/view/${a.type}/${encodeURIComponent(a.id)}`}>{a.name}</Link>
                  </td>
                  <td>{a.type}</td>
                  <ResultSummary artifact={a} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav aria-label="Pages" className="pager">
          {query.offset && <Link href={hrefOf({ ...query, offset: '' })}>First page</Link>}
          {result?.next && <Link href={hrefOf({ ...query, offset: result.next })}>Next page</Link>}
        </nav>
      </section>
    </>
  );
}
