import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FULL_ENV_SCHEMA } from '@modelguard/config';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The rows of the markdown table whose header line is `header`, up to the first line that is not a row. */
function tableRows(header: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.startsWith(header));
  if (start < 0) throw new Error(`README has no table headed "${header}"`);
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

/** Folders holding an Nx project (a project.json), two levels deep under `dir`. */
function projectFolders(dir: string): string[] {
  const found: string[] = [];
  const visit = (rel: string, depth: number) => {
    if (existsSync(join(root, rel, 'project.json'))) found.push(rel);
    else if (depth < 2) {
      for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) if (entry.isDirectory()) visit(`${rel}/${entry.name}`, depth + 1);
    }
  };
  visit(dir, 0);
  return found;
}

describe('README tables match the code', () => {
  it('the configuration table lists every variable the config schema reads, and no other', () => {
    const documented = new Set(tableRows('| variable | default | meaning |').flatMap((row) => (row.split('|')[1] ?? '').match(/[A-Z][A-Z0-9_]+/g) ?? []));
    const read = Object.keys(FULL_ENV_SCHEMA.shape);
    expect(read.filter((name) => !documented.has(name)), 'read by the code but not in the README').toEqual([]);
    expect([...documented].filter((name) => !read.includes(name)), 'in the README but read by no code').toEqual([]);
  });

  it('the pieces table names where every library lives', () => {
    const table = tableRows('| piece | where | what it does |').join('\n');
    const libraries = projectFolders('libs');
    const covered = (folder: string) => table.includes(`\`${folder}\``) || table.includes(`\`${folder.split('/').slice(0, 2).join('/')}/*\``) || (folder.endsWith('/feature') && table.includes('`libs/<service>/feature`'));
    expect(libraries.length).toBeGreaterThan(10);
    expect(libraries.filter((folder) => !covered(folder))).toEqual([]);
  });
});
