import type { FactoryProvider, InjectionToken, Provider, Type } from '@nestjs/common';
import type { HealthIndicator } from './health.types';

/**
 * Inject this to read every registered indicator: `@Inject(HEALTH_INDICATORS) r: HealthIndicatorRegistry`.
 *
 * Nest has no multi-providers, so contributions work like this: each module adds
 * `provideHealthIndicator(...)` to its own `providers` (no export needed). That gives the provider a
 * unique token recorded in `CONTRIBUTED_TOKENS`; HealthModule finds all of them through Nest's
 * DiscoveryService, whichever module they live in.
 */
export const HEALTH_INDICATORS = Symbol.for('modelguard.HEALTH_INDICATORS');

export interface HealthIndicatorRegistry {
  /** Every indicator in the application, in registration order, ids unique. */
  all(): HealthIndicator[];
}

export const CONTRIBUTED_TOKENS = new Set<InjectionToken>();
let counter = 0;

export type HealthIndicatorSource =
  | Type<HealthIndicator>
  | { useClass: Type<HealthIndicator> }
  | { useValue: HealthIndicator }
  // A factory may return null when its component does not exist in this configuration (e.g. no Kafka broker in
  // embedded mode): HealthService skips null instances, so nothing is shown for it.
  | { useFactory: (...deps: never[]) => HealthIndicator | null | Promise<HealthIndicator | null>; inject?: FactoryProvider['inject'] };

/** Returns a provider that contributes one HealthIndicator to HEALTH_INDICATORS. */
export function provideHealthIndicator(source: HealthIndicatorSource): Provider {
  counter += 1;
  const token = Symbol(`modelguard.health-indicator#${counter}`);
  CONTRIBUTED_TOKENS.add(token);
  if (typeof source === 'function') return { provide: token, useClass: source };
  if ('useClass' in source) return { provide: token, useClass: source.useClass };
  if ('useValue' in source) return { provide: token, useValue: source.useValue };
  return {
    provide: token,
    useFactory: source.useFactory as (...args: unknown[]) => HealthIndicator | null | Promise<HealthIndicator | null>,
    inject: source.inject ?? [],
  };
}
