import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, apiOptional } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';

interface LogLine {
  seq: number;
  time: string;
  level: string;
  service: string;
  msg: string;
  context?: string;
}
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * GET /logs/recent (admin): the newest log lines, filtered by minimum level, service and a plain-text substring.
 * Not shown when the API is absent or refuses this user.
 */
export function RecentLogsSection() {
  const [lines, setLines] = useState<LogLine[]>();
  const [hidden, setHidden] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [level, setLevel] = useState('info');
  const [service, setService] = useState('');
  const [text, setText] = useState('');
  const [serviceError, setServiceError] = useState<string>();

  const load = useCallback((filters: { level: string; service: string; text: string }) => {
    const params = new URLSearchParams({ level: filters.level, limit: '100' });
    if (filters.service) params.set('service', filters.service);
    if (filters.text) params.set('q', filters.text);
    apiOptional<{ lines: LogLine[] }>('GET', `/logs/recent?${params.toString()}`)
      .then((r) => {
        setFailure(undefined);
        if (r === undefined) setHidden(true);
        else setLines(r.lines);
      })
      .catch((e: unknown) => (e instanceof ApiError && e.status === 403 ? setHidden(true) : setFailure(e)));
  }, []);
  useEffect(() => load({ level: 'info', service: '', text: '' }), [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = service.trim();
    if (name && !/^[a-z][a-z0-9-]{0,63}$/.test(name)) {
      setServiceError('A service name is lower-case letters, digits and dashes, such as gateway or scan.');
      return;
    }
    setServiceError(undefined);
    load({ level, service: name, text: text.trim() });
  };

  if (hidden) return null;
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Recent log lines</h2>
      <form className="log-filters" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="logs-level">Minimum level</label>
          <select id="logs-level" value={level} onChange={(e) => setLevel(e.target.value)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <Field id="logs-service" label="Service" hint="Exact name; empty for all." value={service} error={serviceError} onChange={(e) => setService(e.target.value)} />
        <Field id="logs-text" label="Text contains" maxLength={200} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={failure} title="Could not read the log lines" />
      {lines && (
        <p role="status" data-testid="logs-count">
          {lines.length === 0 ? 'No line matches.' : `${lines.length} line${lines.length === 1 ? '' : 's'}, newest first.`}
        </p>
      )}
      {lines && lines.length > 0 && (
        <table className="logs" aria-labelledby="logs-title">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Level</th>
              <th scope="col">Service</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.service}-${l.seq}`}>
                <td>{new Date(l.time).toLocaleTimeString()}</td>
                <td>{l.level}</td>
                <td>{l.service}</td>
                <td>
                  {l.context ? `[${l.context}] ` : ''}
                  {l.msg}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
