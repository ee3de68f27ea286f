import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './app-config.types';

/** DI token for the AppConfig: `constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig)`. */
export const APP_CONFIG = Symbol.for('modelguard.APP_CONFIG');

/**
 * Global module exposing an already-validated AppConfig. The config is loaded *before* Nest starts
 * (loadConfigOrExit in main.ts) so a bad deployment fails fast with a readable message rather than a
 * DI stack trace.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
