import { type FormEvent, useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { WorkloadResultsView, type WorkloadResults } from './workload-charts';

interface Run {
  run_id: string;
  status: 'seeding' | 'running' | 'succeeded' | 'failed';
  error: string | null;
  registry: { artifacts: number | null; seeded: number };
  progress: { completed: number; total: number };
  results: WorkloadResults | null;
}
interface Named {
  id: string;
  name: string;
  type: string;
}
type Errors = Partial<Record<'model' | 'clients' | 'perClient' | 'registry', string>>;

const POLL_MS = 1000;
const int = (text: string): number | undefined => (/^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : undefined);

/** Checks the form against the API's bounds (openapi: PerformanceWorkloadStart) so mistakes show next to the field. */
function validate(model: string, clients: string, perClient: string, registry: string): Errors {
  const e: Errors = {};
  if (model.trim() === '') e.model = 'Enter the name of a model with a stored package.';
  const c = int(clients);
  const d = int(perClient);
  if (c === undefined || c < 1 || c > 200) e.clients = 'A whole number from 1 to 200.';
  if (d === undefined || d < 1 || d > 20) e.perClient = 'A whole number from 1 to 20.';
  else if (c !== undefined && c * d > 2000) e.perClient = `At most 2000 downloads in all (${c} × ${d} = ${c * d}).`;
  const r = int(registry);
  if (registry.trim() !== '' && (r === undefined || r > 1000)) e.registry = 'Empty, or a whole number from 0 to 1000.';
  return e;
}

function statusLine(run: Run): string {
  if (run.status === 'seeding') return `Seeding the registry: ${run.registry.seeded} artifacts created so far.`;
  if (run.status === 'running') return `Running: ${run.progress.completed} of ${run.progress.total} downloads done.`;
  if (run.status === 'failed') return `Failed: ${run.error ?? 'the workload stopped'}.`;
  const r = run.results;
  return r === null ? 'Finished.' : `Finished: ${r.downloads} of ${r.requests} downloads succeeded over a registry of ${run.registry.artifacts ?? '?'} artifacts.`;
}

/**
 * Admin only: starts the performance workload (POST /performance-workload), follows it live and shows its
 * results as charts. The course's workload is the default: 100 clients × 4 downloads over a registry of 500.
 */
export function PerformanceWorkloadSection() {
  const [model, setModel] = useState('');
  const [clients, setClients] = useState('100');
  const [perClient, setPerClient] = useState('4');
  const [registry, setRegistry] = useState('500');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>();
  const [run, setRun] = useState<Run>();
  const [starting, setStarting] = useState(false);
  const active = run !== undefined && (run.status === 'seeding' || run.status === 'running');

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      api<Run>('GET', `/performance-workload/${run.run_id}`)
        .then((r) => setRun(r.body))
        .catch((e: unknown) => setFailure(e));
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, run?.run_id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate(model, clients, perClient, registry);
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length > 0) return;
    setStarting(true);
    try {
      const named = await api<Named[]>('GET', `/artifact/byName/${encodeURIComponent(model.trim())}`).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return undefined;
        throw e;
      });
      const target = named?.body.find((a) => a.type === 'model');
      if (target === undefined) {
        setErrors({ model: `No model is named ${model.trim()}.` });
        return;
      }
      const body = { artifact_id: target.id, clients: int(clients), downloads_per_client: int(perClient), ...(registry.trim() === '' ? {} : { registry_size: int(registry) }) };
      setRun((await api<Run>('POST', '/performance-workload', body)).body);
    } catch (e) {
      setFailure(e);
    } finally {
      setStarting(false);
    }
  };

  return (
    <section aria-labelledby="workload-title">
      <h2 id="workload-title">Performance workload</h2>
      <p>
        Many clients download one model's full package from this registry at once, over real HTTP with their own tokens; the figures are measured on
        the registry's own machine. Every download is recorded like any other.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="workload-form">
          <Field id="workload-model" label="Model name" hint="A model with a stored package." value={model} error={errors.model} onChange={(e) => setModel(e.target.value)} />
          <Field id="workload-clients" label="Clients" hint="1 to 200." inputMode="numeric" value={clients} error={errors.clients} onChange={(e) => setClients(e.target.value)} />
          <Field id="workload-per-client" label="Downloads per client" hint="1 to 20." inputMode="numeric" value={perClient} error={errors.perClient} onChange={(e) => setPerClient(e.target.value)} />
          <Field id="workload-registry" label="Registry size" hint="Seed up to this many artifacts first; empty leaves it as is." inputMode="numeric" value={registry} error={errors.registry} onChange={(e) => setRegistry(e.target.value)} />
        </div>
        <button type="submit" disabled={starting || active}>
          Run performance workload
        </button>
      </form>
      <ErrorBox error={failure} title="The performance workload could not run" />
      <p role="status" data-testid="workload-status">
        {run ? statusLine(run) : ''}
      </p>
      {run && active && <progress max={Math.max(1, run.progress.total)} value={run.progress.completed} aria-label="Downloads done" />}
      {run?.results && <WorkloadResultsView results={run.results} />}
    </section>
  );
}
