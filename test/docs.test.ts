import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRulesTable, withRulesTable } from '../src/docs/rules-table.js';
import { builtinRules } from '../src/rules/index.js';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');

describe('README', () => {
  it('has the rule table generated from the rules’ metadata (run `npm run generate` when this fails)', () => {
    expect(withRulesTable(readme, builtinRules)).toBe(readme);
  });

  it('has one row per rule, with its severity and the actions of both presets', () => {
    const table = renderRulesTable(builtinRules);
    expect(table.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(builtinRules.length);
    expect(table).toContain('| `no-privileged-containers` | task definition | critical | deny | deny |');
    expect(table).toContain('| `require-compliant-task-definition` | service, task set, task | inherits the worst | deny | deny |');
  });

  it('documents every command and option of the CLI', () => {
    for (const word of ['ecs-admission check', 'ecs-admission rules', '--preset', '--format', '--fail-on', '--verbose', '--no-color']) {
      expect(readme).toContain(word);
    }
  });
});

describe('policies/policy.schema.json', () => {
  it('is generated from the policy schema (run `npm run generate` when this fails)', async () => {
    const { policyJsonSchema } = await import('../src/policy/schema.js');
    const file = readFileSync(join(import.meta.dirname, '../policies/policy.schema.json'), 'utf8');
    expect(file).toBe(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  });
});
