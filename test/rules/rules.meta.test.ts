/**
 * Invariants of the rule library: every rule of the rule reference (docs/rules.md, generated) exists
 * with exactly its severity and recommended action, every rule file is registered under its own
 * name, carries its metadata, and has a test folder test/rules/<id>/ with pass and fail fixtures and
 * a row and a section in docs/rules.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../src/rules/index.js';

const root = join(import.meta.dirname, '../..');
const ruleFiles = readdirSync(join(root, 'src/rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const rulesDoc = readFileSync(join(root, 'docs/rules.md'), 'utf8');
/** Rows of the rule table of docs/rules.md: `| \`id\` | applies to | severity | recommended | strict | title |`. */
const catalog = rulesDoc
  .split('\n')
  .map((line) => /^\| `([a-z][a-z0-9-]+)` \| [^|]+ \| ([^|]+) \| (deny|flag|off) \| (?:deny|flag|off) \|.*\|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ id: m[1]!, severity: m[2]!.trim(), recommended: m[3]! }));

describe('rule library', () => {
  it('reads the catalog', () => {
    expect(catalog.length).toBe(36);
  });

  it('registers every rule file, sorted by id, each under its own file name', () => {
    expect(builtinRules.map((r) => r.id)).toEqual(ruleFiles);
  });

  it.each(catalog)('implements $id with the catalog’s severity and recommended action', ({ id, severity, recommended }) => {
    const rule = builtinRules.find((r) => r.id === id);
    expect(rule, `no rule ${id}`).toBeDefined();
    expect(rule!.severity === 'inherit' ? 'inherits the worst' : rule!.severity).toBe(severity);
    expect(rule!.recommended).toBe(recommended);
  });

  it('has no rule that is not in the catalog', () => {
    expect(builtinRules.map((r) => r.id).filter((id) => !catalog.some((c) => c.id === id))).toEqual([]);
  });

  it.each(builtinRules.map((r) => [r.id, r] as const))('%s has metadata, a test, pass and fail fixtures and documentation', (id, rule) => {
    for (const field of ['title', 'description', 'rationale', 'remediation'] as const) {
      expect(rule[field].trim().length, `${id}: ${field}`).toBeGreaterThan(10);
    }
    expect(rule.references.length, `${id}: references`).toBeGreaterThan(0);
    expect(rule.appliesTo.length).toBeGreaterThan(0);
    expect(rule.options.safeParse({}).success, `${id}: options have defaults`).toBe(true);
    expect(existsSync(join(root, 'test/rules', id, `${id}.test.ts`)), `${id}: test file`).toBe(true);
    for (const verdict of ['pass', 'fail']) {
      const dir = join(root, 'test/rules', id, verdict);
      expect(existsSync(dir) && readdirSync(dir).length > 0, `${id}: ${verdict}/ fixtures`).toBe(true);
    }
    expect(rulesDoc, `${id}: docs/rules.md row`).toContain(`| \`${id}\` |`);
    expect(rulesDoc, `${id}: docs/rules.md section`).toContain(`\n### ${id}\n`);
  });
});
