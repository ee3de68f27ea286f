export { LineageModule, type LineageModuleOptions } from './lineage.module';
export { LINEAGE_MIGRATIONS, CreateLineageTables1764400000000 } from './persistence/create-lineage-tables.migration';
