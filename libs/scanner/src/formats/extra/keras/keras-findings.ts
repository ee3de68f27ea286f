import type { Finding, ScanInput } from '../../../core/types';
import { finding, FormatError } from '../common/findings';
import { decodeUtf8Strict, parseStrictJson } from '../common/strict-json';
import { analyzeKerasConfig } from './keras-config.analyzer';

/** Parses one config document and turns the analyzer's issues into findings located in `where`. */
export function kerasConfigFindings(input: ScanInput, where: string, text: string | Buffer, budget: () => void): Finding[] {
  const json = typeof text === 'string' ? text : decodeUtf8Strict(text, where);
  let parsed;
  try {
    parsed = parseStrictJson(json, { maxDepth: 200, onProgress: budget });
  } catch (err: unknown) {
    throw new FormatError(`${where} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return analyzeKerasConfig(parsed, budget).map((i) =>
    finding(input, i.ruleId, i.severity, `${where}: ${i.message}`, { details: { source: where, path: i.path } }),
  );
}
