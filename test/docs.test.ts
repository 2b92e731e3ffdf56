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
    for (const word of ['ecs-admission check', 'ecs-admission rules', '--preset', '--format', '--fail-on', '--verbose', '--no-color', 'ecs-admission redrive', '--queue-url', '--max', '--dry-run']) {
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

describe('README policy reference', () => {
  it('documents every field of the policy format', async () => {
    const { CustomRuleSchema, ExceptionSchema, MatchSchema, PolicySchema } = await import('../src/policy/schema.js');
    const spec = PolicySchema.shape.spec.shape;
    const fields = [...Object.keys(spec), ...Object.keys(MatchSchema.shape), ...Object.keys(CustomRuleSchema.shape), ...Object.keys(ExceptionSchema.shape)];
    const reference = readme.slice(readme.indexOf('## Policies'), readme.indexOf('## How it is built'));
    expect(fields.filter((field) => !new RegExp(`\\b${field}\\b`).test(reference))).toEqual([]);
    for (const word of ['ecs-admission validate', 'ecs-admission test', '--policy', 'strictest', 'expired', 'expiring', 'unused', '`object`', '`request`']) {
      expect(reference).toContain(word);
    }
  });
});
