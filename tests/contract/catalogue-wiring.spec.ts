import { EVENT_CATALOGUE, QUERY_CATALOGUE, SERVICE_NAMES, type ServiceName } from '@modelguard/contracts';
import { describe, expect, it } from 'vitest';
import { SERVICE_MODULES, consumedTopics, featureSources, publishedTopicNames, routesOf } from './catalogue/service-modules';

/**
 * The contract catalogue against the code: every topic's declared producers are exactly the services whose code
 * publishes it and its consumers exactly those with an @OnEvent handler for it (so the catalogue, the Topic map's
 * documentation and the architecture page never name a consumer that does not exist), every topic has at least
 * one of each, and every live query has its route on the server and a use in each caller.
 */
describe('contract catalogue wiring', () => {
  const modules = Object.fromEntries(SERVICE_NAMES.map((s) => [s, SERVICE_MODULES[s]()])) as Record<ServiceName, ReturnType<(typeof SERVICE_MODULES)[ServiceName]>>;
  const consumed = Object.fromEntries(SERVICE_NAMES.map((s) => [s, consumedTopics(modules[s])])) as Record<ServiceName, Set<string>>;
  const sources = Object.fromEntries(SERVICE_NAMES.map((s) => [s, featureSources(s)])) as Record<ServiceName, string>;
  const published = Object.fromEntries(SERVICE_NAMES.map((s) => [s, publishedTopicNames(sources[s])])) as Record<ServiceName, Set<string>>;

  it('finds the handlers of the services at all (the walk is not vacuous)', () => {
    expect(consumed.gateway.size).toBeGreaterThan(0);
    expect(consumed.scan.size).toBeGreaterThan(0);
    expect(published.gateway.size).toBeGreaterThan(0);
  });

  it.each(EVENT_CATALOGUE.map((e) => [e.topic, e] as const))('%s: producers and consumers match the code', (_topic, event) => {
    const producers = SERVICE_NAMES.filter((s) => published[s].has(event.name));
    const consumers = SERVICE_NAMES.filter((s) => consumed[s].has(event.topic));
    // A superseded topic (a newer major replaced it) is no longer published, only drained by its consumers.
    if (event.supersededBy === undefined) expect(producers.length, 'a topic nobody publishes').toBeGreaterThan(0);
    expect(consumers.length, 'a topic nobody consumes').toBeGreaterThan(0);
    expect([...event.producers].sort(), 'producers declared in the contract').toEqual(producers.sort());
    expect([...event.consumers].sort(), 'consumers declared in the contract').toEqual(consumers.sort());
  });

  it('has a contract for every topic a service handles', () => {
    const known = new Set<string>(EVENT_CATALOGUE.map((e) => e.topic));
    for (const service of SERVICE_NAMES) for (const topic of consumed[service]) expect(known.has(topic), `${service} handles ${topic}`).toBe(true);
  });

  it.each(QUERY_CATALOGUE.map((q) => [q.name, q] as const))('query %s: served and called iff live', (_name, query) => {
    const served = routesOf(modules[query.server]).has(`${query.method} ${query.path}`);
    const call = new RegExp(`\\.query\\(\\s*Query\\.${query.name}\\b`);
    const calledBy = SERVICE_NAMES.filter((s) => call.test(sources[s]));
    if (query.status === 'live') {
      expect(served, `${query.server} serves ${query.method} ${query.path}`).toBe(true);
      expect(calledBy.sort(), 'callers declared in the contract').toEqual([...query.callers].sort());
    } else {
      // A planned query flips to live in the change that implements its server and its first caller.
      expect(served, `${query.server} already serves ${query.path}: mark the contract live`).toBe(false);
      expect(calledBy, 'a planned query is already called: mark the contract live').toEqual([]);
    }
  });
});
