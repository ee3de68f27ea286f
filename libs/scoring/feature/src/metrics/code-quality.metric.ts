import { classifyPath, type ManifestEntry } from '@modelguard/domain';
import { countWords } from './card-document';
import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, saturate, scored } from './metric-finding';

/**
 * code_quality: static signals of a maintainable code base, read from the linked code package's file list and
 * README (never by running it). If no code is linked but the model package itself ships code (custom modelling
 * files), that code is judged. Rules (weights sum to 1):
 *   0.30  tests: test files per source file, full at 1 test file for 5 source files
 *   0.15  README: words, full at 200
 *   0.10  further docs: CONTRIBUTING, a docs/ folder or other Markdown guides
 *   0.15  declared dependencies (requirements.txt, setup.py, pyproject.toml, package.json, ...)
 *   0.10  a license file (or a license in the code package's metadata)
 *   0.10  source share: code bytes among the non-weight, non-data files, full at 30% (a repo of notebooks outputs
 *         and binaries is not a code base)
 *   0.05  lint configuration (flake8, pylint, ruff, pre-commit, eslint, editorconfig)
 *   0.05  typing (py.typed, .pyi stubs, mypy config, TypeScript)
 * Fallback: no code anywhere gives 0, flagged as fallback so the ingest gate treats it as "not applicable".
 */

const TEST_FILE = /(^|\/)(tests?|__tests__|spec)\/|(^|\/)test_[^/]+\.py$|_test\.(py|go)$|\.(spec|test)\.[jt]sx?$|Test\.java$/i;
const DEPENDENCY_FILES = /(^|\/)(requirements[^/]*\.txt|setup\.py|setup\.cfg|pyproject\.toml|package\.json|environment\.ya?ml|Pipfile|poetry\.lock|go\.mod|Cargo\.toml|pom\.xml|build\.gradle)$/i;
const LINT_FILES = /(^|\/)(\.flake8|\.pylintrc|pylintrc|ruff\.toml|\.ruff\.toml|tox\.ini|\.pre-commit-config\.yaml|\.eslintrc[^/]*|eslint\.config\.[cm]?[jt]s|\.editorconfig|\.prettierrc[^/]*|\.golangci\.ya?ml|rustfmt\.toml|\.clang-format)$/i;
const TYPING_FILES = /(^|\/)(py\.typed|mypy\.ini|\.mypy\.ini|tsconfig[^/]*\.json)$|\.pyi$/i;
const EXTRA_DOCS = /(^|\/)(contributing[^/]*|changelog[^/]*|docs?\/[^/]+)$|\.(md|rst)$/i;
const README = /(^|\/)readme(\.[a-z]+)?$/i;
const LICENSE_FILE = /(^|\/)(licen[cs]e|copying)(\.[a-z]+)?$/i;

export function codeQuality({ evidence }: MetricContext): MetricFinding {
  const linked = evidence.linkedCode;
  const source = linked
    ? { files: linked.files, readme: linked.metadata.readme, license: linked.metadata.license, label: `linked code ${linked.name}` }
    : { files: evidence.files, readme: undefined, license: undefined, label: 'the model package' };
  const code = source.files.filter((f) => classifyPath(f.path) === 'code');
  if (code.length === 0) return fellBack(0, linked ? `${source.label} has no source files` : 'no linked code and no code in the model package');
  const tests = code.filter((f) => TEST_FILE.test(f.path)).length;
  const sources = code.length - tests;
  const readmeWords = source.readme !== undefined ? countWords(source.readme.slice(0, 256 * 1024)) : readmeFileWords(source.files);
  const extraDocs = source.files.some((f) => EXTRA_DOCS.test(f.path) && !README.test(f.path)) ? 1 : 0;
  const deps = source.files.some((f) => DEPENDENCY_FILES.test(f.path)) ? 1 : 0;
  const license = source.files.some((f) => LICENSE_FILE.test(f.path)) || !!source.license ? 1 : 0;
  const share = sourceShare(source.files);
  const lint = source.files.some((f) => LINT_FILES.test(f.path)) ? 1 : 0;
  const typed = source.files.some((f) => TYPING_FILES.test(f.path)) || code.filter((f) => /\.tsx?$/.test(f.path)).length * 2 > code.length ? 1 : 0;
  const score =
    0.3 * saturate(tests / Math.max(1, sources), 0.2) + 0.15 * saturate(readmeWords, 200) + 0.1 * extraDocs + 0.15 * deps + 0.1 * license + 0.1 * saturate(share, 0.3) + 0.05 * lint + 0.05 * typed;
  const notes = [
    `${source.label}: ${sources} source and ${tests} test files`,
    `README ${readmeWords} words${extraDocs ? ', more docs' : ''}`,
    deps ? 'dependencies declared' : 'no dependency manifest',
    license ? 'licensed' : 'no license file',
    `${Math.round(share * 100)}% source by bytes`,
    lint ? 'lint configured' : 'no lint config',
    typed ? 'typed' : 'no typing',
  ];
  return scored(round2(score), notes.join('; '));
}

/** Without the README text, its size stands in: about 6 bytes per word of English Markdown. */
function readmeFileWords(files: readonly ManifestEntry[]): number {
  const readme = files.find((f) => README.test(f.path) && !f.path.includes('/'));
  return readme ? Math.round(readme.size / 6) : 0;
}

function sourceShare(files: readonly ManifestEntry[]): number {
  let codeBytes = 0;
  let total = 0;
  for (const f of files) {
    const kind = classifyPath(f.path);
    if (kind === 'weights' || kind === 'datasets') continue;
    total += f.size;
    if (kind === 'code') codeBytes += f.size;
  }
  return total > 0 ? codeBytes / total : 0;
}
