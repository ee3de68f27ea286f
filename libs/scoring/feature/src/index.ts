export { ScoringModule, type ScoringModuleOptions } from './scoring.module';
