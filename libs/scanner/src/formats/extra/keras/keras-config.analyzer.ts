import type { Severity } from '../../../core/types';
import { isJsonObject, type JsonObject, type JsonValue } from '../common/strict-json';
import { DANGEROUS_KERAS_FUNCTIONS, DANGEROUS_MODULES, DANGEROUS_TF_SYMBOL, KERAS_BUILTIN_CLASSES, KERAS_MODULE_PREFIXES } from './keras-classes';

export interface KerasIssue {
  ruleId: string;
  severity: Severity;
  message: string;
  /** JSON path of the offending object, e.g. `config.layers[3]`. */
  path: string;
}

const MAX_DEPTH = 100;
const MAX_OBJECTS = 1_000_000;

const inModule = (module: string, prefixes: readonly string[]): boolean => prefixes.some((p) => module === p || module.startsWith(`${p}.`));

/**
 * Walks a Keras model/training config (Keras 2 h5 `model_config`, Keras 3 `config.json`) and reports the
 * constructs that make loading run code: Lambda bytecode (CVE-2024-3660), module references outside Keras
 * (CVE-2025-1550), the get_file gadget (CVE-2025-8747), TorchModuleWrapper (CVE-2025-49655), TFOpLambda
 * with callback ops, and custom objects (need user code; warned, not blocked). The walk is recursive so
 * layers nested in sub-models, wrappers (TimeDistributed, Bidirectional) and cells are all covered.
 */
export function analyzeKerasConfig(root: JsonValue, budget: () => void = () => undefined): KerasIssue[] {
  const issues: KerasIssue[] = [];
  let visited = 0;
  const add = (ruleId: string, severity: Severity, path: string, message: string): void => {
    issues.push({ ruleId, severity, message, path });
  };

  const visit = (value: JsonValue, path: string, depth: number): void => {
    if (++visited % 4096 === 0) budget();
    if (visited > MAX_OBJECTS) throw new Error(`config has more than ${MAX_OBJECTS} values`);
    if (depth > MAX_DEPTH) throw new Error(`config nested deeper than ${MAX_DEPTH}`);
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isJsonObject(value)) return;
    if (typeof value.class_name === 'string') checkObject(value, path);
    for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k, depth + 1);
  };

  const checkObject = (obj: JsonObject, path: string): void => {
    const cls = obj.class_name as string;
    const module = typeof obj.module === 'string' ? obj.module : undefined;
    const registered = typeof obj.registered_name === 'string' ? obj.registered_name : undefined;
    const cfg = isJsonObject(obj.config) ? obj.config : undefined;
    const label = `${JSON.stringify(cls.slice(0, 100))} at ${path || '<root>'}`;

    if (cls === '__lambda__') {
      add('keras.lambda-bytecode', 'CRITICAL', path, `serialized Python lambda (marshalled bytecode) ${label}: executes when the model is loaded`);
      return;
    }
    if (cls === 'Lambda' && cfg) {
      checkLambda(cfg, path, label);
    } else if (cls === 'TorchModuleWrapper') {
      add('keras.torch-module-wrapper', 'CRITICAL', path, `TorchModuleWrapper ${label} embeds a pickled torch module (CVE-2025-49655)`);
    } else if ((cls === 'TFOpLambda' || cls === 'SlicingOpLambda') && cfg) {
      const fn = typeof cfg.function === 'string' ? cfg.function : '';
      if (DANGEROUS_TF_SYMBOL.test(fn)) add('keras.tfoplambda-dangerous-op', 'ERROR', path, `${cls} ${label} calls tf.${fn.slice(0, 120)}, which runs Python or touches the host`);
    }

    let moduleReported = false;
    if (module !== undefined) {
      moduleReported = !inModule(module, KERAS_MODULE_PREFIXES);
      if (inModule(module, DANGEROUS_MODULES)) {
        add('keras.dangerous-module', 'ERROR', path, `${label} imports from module ${JSON.stringify(module.slice(0, 120))} (arbitrary code on load, CVE-2025-1550)`);
      } else if (!inModule(module, KERAS_MODULE_PREFIXES)) {
        add('keras.custom-module', 'WARNING', path, `${label} comes from non-Keras module ${JSON.stringify(module.slice(0, 120))}: loading imports user code`);
      }
    }
    const fnName = cls === 'function' && typeof obj.config === 'string' ? obj.config : cls;
    if (DANGEROUS_KERAS_FUNCTIONS.has(fnName)) {
      add('keras.dangerous-function', 'ERROR', path, `${label} references ${fnName}, a known deserialization gadget (CVE-2025-8747)`);
    }
    if (moduleReported) return;
    if (registered !== undefined && registered !== cls && registered.includes('>')) {
      add('keras.custom-object', 'WARNING', path, `${label} is the registered custom object ${JSON.stringify(registered.slice(0, 120))}: needs its code to load`);
    } else if (module === undefined && !KERAS_BUILTIN_CLASSES.has(cls)) {
      add('keras.unknown-class', 'WARNING', path, `${label} is not a built-in Keras class: loading needs custom_objects (user code)`);
    }
  };

  const checkLambda = (cfg: JsonObject, path: string, label: string): void => {
    const fn = cfg.function;
    const fnType = typeof cfg.function_type === 'string' ? cfg.function_type : undefined;
    if (Array.isArray(fn) || fnType === 'lambda') {
      // Keras 2: [base64(marshal(code)), defaults, closure]
      add('keras.lambda-bytecode', 'CRITICAL', path, `Lambda layer ${label} carries marshalled Python bytecode that runs on load (CVE-2024-3660)`);
    } else if (isJsonObject(fn) && fn.class_name === '__lambda__') {
      // Reported by the generic __lambda__ check when the walk reaches it; nothing more to add here.
    } else {
      const name = typeof fn === 'string' ? fn : isJsonObject(fn) && typeof fn.config === 'string' ? fn.config : JSON.stringify(fn ?? null).slice(0, 80);
      const ref = typeof cfg.module === 'string' && typeof fn === 'string' ? `${cfg.module}.${name}` : name;
      add('keras.lambda-layer', 'ERROR', path, `Lambda layer ${label} calls ${JSON.stringify(ref.slice(0, 120))}: arbitrary Python resolved at load time`);
    }
    if (cfg.output_shape_type === 'lambda' || Array.isArray(cfg.output_shape_module)) {
      add('keras.lambda-bytecode', 'CRITICAL', path, `Lambda layer ${label} has an output_shape lambda (marshalled bytecode)`);
    }
  };

  visit(root, '', 0);
  return issues;
}
