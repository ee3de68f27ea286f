export { LineageModule, type LineageModuleOptions } from './lineage.module';
