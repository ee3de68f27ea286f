import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const BASE_SPEC_FILE = 'ece461_fall_2025_openapi_spec.yaml';
export const EXTENSIONS_SPEC_FILE = 'modelguard-extensions.openapi.yaml';

export interface OpenApiDocuments {
  baseYaml: string;
  baseJson: string;
  extensionsYaml: string;
  extensionsJson: string;
}

/** Loads both specs once at boot (small files); served verbatim as YAML and converted once to JSON. */
export function loadOpenApiDocuments(dir: string): OpenApiDocuments {
  const baseYaml = readFileSync(join(dir, BASE_SPEC_FILE), 'utf8');
  const extensionsYaml = readFileSync(join(dir, EXTENSIONS_SPEC_FILE), 'utf8');
  return {
    baseYaml,
    baseJson: JSON.stringify(parse(baseYaml)),
    extensionsYaml,
    extensionsJson: JSON.stringify(parse(extensionsYaml)),
  };
}
