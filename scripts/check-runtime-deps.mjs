// Proves that what the build ships runs with production dependencies only (`npm ci --omit=dev`):
//   1. every source file the build compiles (tsconfig.build.json plus whatever its imports pull in) is production
//      code: not a spec, not in a test/ or testing/ folder, not the libs/testing harness;
//   2. every package the emitted JavaScript requires is a Node built-in or listed in package.json "dependencies";
//      a devDependency (vitest, ajv, playwright-core, h5wasm, @nestjs/testing, ...) is not there at run time.
// By default the build is emitted in memory, so no dist/ is needed (`npm run lint` runs it); `--dist` checks the
// JavaScript under dist/ instead (after `npm run build`), including that every relative require resolves in dist/.
//
//   node scripts/check-runtime-deps.mjs [--dist]     exit 0 when clean, 1 with one line per problem
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(import.meta.url)('typescript');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));
const builtins = new Set(builtinModules);

const TEST_FILE = /\.(spec|int-spec|e2e-spec|test)\.ts$/;
const TEST_DIR = /(^|\/)(test|testing|__tests__)\//;
const rel = (path) => relative(root, path).split(sep).join('/');
const isTestSource = (path) => TEST_FILE.test(path) || TEST_DIR.test(path) || path.startsWith('libs/testing/');

const problems = [];

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** String arguments of `require('x')` and `require.resolve('x')` calls (what CommonJS output loads at run time). */
function requiredSpecifiers(fileName, text) {
  const found = [];
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      if (isRequire || isResolve) found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function checkPackage(file, specifier) {
  if (specifier.startsWith('node:') || builtins.has(specifier) || builtins.has(packageOf(specifier))) return;
  const name = packageOf(specifier);
  if (dependencies.has(name)) return;
  const why = devDependencies.has(name) ? 'a devDependency' : 'not declared in package.json';
  problems.push(`${file}: requires '${specifier}', which is ${why} (production installs lack it)`);
}

/** Compiles tsconfig.build.json in memory; returns the emitted JavaScript by output path. */
function emitInMemory() {
  const configPath = join(root, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
  if (!parsed) return new Map();
  const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: false, sourceMap: false, declaration: false });
  const roots = new Set(parsed.fileNames.map((f) => rel(resolve(f))));
  for (const file of roots) if (isTestSource(file)) problems.push(`${file}: test-only file inside the build (tsconfig.build.json)`);
  for (const sf of program.getSourceFiles()) {
    const file = rel(sf.fileName);
    if (sf.isDeclarationFile || file.startsWith('node_modules/') || file.startsWith('..') || roots.has(file)) continue;
    // tsc compiles whatever production code imports, even outside "include": that is how a helper sneaks in.
    const why = isTestSource(file) ? 'a test-only file' : 'outside the build\'s "include"';
    problems.push(`${file}: pulled into the build by an import, but it is ${why}`);
  }
  const emitted = new Map();
  program.emit(undefined, (fileName, text) => {
    if (fileName.endsWith('.js')) emitted.set(fileName, text);
  });
  return emitted;
}

/** Reads dist/**.js; also checks that relative requires resolve inside dist/. */
function readDist() {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) {
    problems.push('dist/ does not exist: run `npm run build` first');
    return new Map();
  }
  const files = new Map();
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.js')) files.set(path, readFileSync(path, 'utf8'));
    }
  };
  visit(dist);
  for (const file of files.keys()) {
    const inDist = rel(file).slice('dist/'.length);
    if (isTestSource(inDist.replace(/\.js$/, '.ts'))) problems.push(`${rel(file)}: test-only code in dist/`);
  }
  return files;
}

function resolvesInDist(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, `${base}.js`, `${base}.json`, join(base, 'index.js')];
  return candidates.some((c) => existsSync(c) && statSync(c).isFile());
}

const fromDist = process.argv.includes('--dist');
const t0 = Date.now();
const outputs = fromDist ? readDist() : emitInMemory();
for (const [fileName, text] of outputs) {
  const file = rel(fileName);
  for (const specifier of requiredSpecifiers(fileName, text)) {
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      if (fromDist && !resolvesInDist(fileName, specifier)) problems.push(`${file}: requires '${specifier}', which is not in dist/`);
    } else if (specifier.startsWith('@modelguard/')) {
      // In memory these are still aliases (tsc-alias rewrites them in dist/); their sources were checked above.
      if (fromDist) problems.push(`${file}: requires '${specifier}', an alias tsc-alias did not rewrite`);
    } else {
      checkPackage(file, specifier);
    }
  }
}

const took = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
if (problems.length > 0) {
  for (const p of problems) console.error(`[runtime-deps] ${p}`);
  console.error(`[runtime-deps] FAILED: ${problems.length} problem(s) in ${outputs.size} files (${took})`);
  process.exit(1);
}
console.error(`[runtime-deps] ok: ${outputs.size} ${fromDist ? 'dist' : 'emitted'} files need only production dependencies (${took})`);
