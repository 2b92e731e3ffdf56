// CONTRIBUTING.md stays true: every file and folder it names exists (so the extension guides point
// at real files), and its table of dependencies between the folders of src/ is the one the imports
// draw.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { codeSpans, doc, docSection, markdownTable } from '../helpers/docs.js';

const contributing = doc('CONTRIBUTING.md');

/** The repository paths a text names in code spans and links: `src/…`, `test/…`, `deploy/…`… */
function namedPaths(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '');
  const candidates = [...codeSpans(prose), ...[...prose.matchAll(/\]\(([^)#\s]+)/g)].map((m) => m[1]!)];
  return [
    ...new Set(
      candidates
        .map((c) => c.trim().split(/\s/)[0]!)
        .filter((c) => /^(src|test|deploy|docs|scripts|bench|policies|\.ci)\//.test(c) || /^[\w.-]+\.(md|yml|json|js|ts)$/.test(c) && existsSync(join(root, c.split('/')[0]!)))
        .map((c) => c.replace(/[.,:;]$/, '')),
    ),
  ];
}

/**
 * Whether a path exists, where `<id>` stands for any one name, `{a,b}` for either, and `*` for any
 * part of a name: `test/rules/<id>/<id>.test.ts`, `docs/sample-sweep-report.{html,png}`.
 */
function exists(pattern: string): boolean {
  const alternatives = /\{([^}]+)\}/.exec(pattern);
  if (alternatives) return alternatives[1]!.split(',').every((alt) => exists(pattern.replace(alternatives[0], alt)));
  const segments = pattern.replace(/\/$/, '').split('/');
  const walk = (dir: string, i: number, bound: Map<string, string>): boolean => {
    if (i === segments.length) return true;
    const segment = segments[i]!;
    if (!/[<*]/.test(segment)) return existsSync(join(dir, segment)) && walk(join(dir, segment), i + 1, bound);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    return readdirSync(dir).some((name) => {
      const names = new Map(bound);
      const regex = new RegExp(
        `^${segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/<([a-z-]+)>/g, (_, key: string) => (names.has(key) ? names.get(key)! : `(?<${key.replace(/-/g, '_')}>[^/]+)`))}$`,
      );
      const m = regex.exec(name);
      if (!m) return false;
      for (const [key, value] of Object.entries(m.groups ?? {})) names.set(key.replace(/_/g, '-'), value);
      return walk(join(dir, name), i + 1, names);
    });
  };
  return walk(root, 0, new Map());
}

describe('CONTRIBUTING.md', () => {
  it('names only files and folders that exist', () => {
    const paths = namedPaths(contributing);
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((path) => !exists(path))).toEqual([]);
  });

  it('and the README, too, names only files and folders that exist', () => {
    const paths = namedPaths(doc('README.md'));
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((path) => !exists(path))).toEqual([]);
  });

  it('names the files of every extension guide', () => {
    for (const guide of ['### A rule', '### A CloudTrail event', '### A resource kind', '### An output format', '### An alert channel']) {
      expect(namedPaths(docSection('CONTRIBUTING.md', guide)).length, guide).toBeGreaterThanOrEqual(4);
    }
  });

  it('draws the dependencies between the folders of src/ that the imports draw', () => {
    const documented = Object.fromEntries(
      markdownTable(docSection('CONTRIBUTING.md', '## Architecture'), ['folder', 'imports']).map((row) => [codeSpans(row.folder!)[0]!.replace(/\/$/, ''), codeSpans(row.imports!).sort()]),
    );
    expect(documented).toEqual(folderImports());
  });
});

/** For each folder of src/, the other folders its files import (`src/zod.ts` and `src/index.ts` left out). */
function folderImports(): Record<string, string[]> {
  const src = join(root, 'src');
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const imports: Record<string, Set<string>> = {};
  for (const entry of readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const folder = entry.name;
    const found = new Set<string>();
    for (const file of files(join(src, folder))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = relative(src, resolve(dirname(file), m[1]!)).split('/')[0]!;
        if (target !== folder && !target.endsWith('.js') && !target.startsWith('..')) found.add(target);
      }
    }
    if (files(join(src, folder)).length > 0) imports[`src/${folder}`] = found;
  }
  return Object.fromEntries(Object.entries(imports).map(([folder, set]) => [folder, [...set].sort()]));
}
