// What the docs compute from code stays in step with it: docs/rules.md (generated from the rules'
// metadata), the policy JSON Schema, the command reference against each command's --help, and the
// policy reference against the policy schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES_DOC, renderRulesDoc, renderRulesTable } from '../../src/docs/rules-table.js';
import { builtinRules } from '../../src/rules/index.js';
import { root, runCli } from '../helpers/cli.js';
import { doc, docSection } from '../helpers/docs.js';

describe('docs/rules.md', () => {
  it('is generated from the rules’ metadata (run `npm run generate` when this fails)', () => {
    expect(doc(RULES_DOC)).toBe(renderRulesDoc(builtinRules));
  });

  it('has one row per rule, with its severity and the actions of both presets', () => {
    const table = renderRulesTable(builtinRules);
    expect(table.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(builtinRules.length);
    expect(table).toContain('| `no-privileged-containers` | task definition, daemon task definition, Express service | critical | deny | deny |');
    expect(table).toContain('| `require-compliant-task-definition` | service, task set, task, daemon, Express service | inherits the worst | deny | deny |');
  });

  it('counts the rules as the README does', () => {
    expect(docSection('README.md', '### rules')).toContain(`lists the ${builtinRules.length} rules`);
  });

  it('has a section per rule with its description, rationale, remediation and every option', () => {
    const text = doc(RULES_DOC);
    for (const rule of builtinRules) {
      const section = docSection(RULES_DOC, `### ${rule.id}`);
      for (const part of [rule.description, rule.rationale, rule.remediation]) expect(section, rule.id).toContain(part);
      for (const option of Object.keys(rule.defaultOptions as object)) expect(section, `${rule.id}: ${option}`).toContain(`\`${option}\``);
    }
    expect(text).not.toContain('undefined');
  });
});

const COMMANDS = ['check', 'scan', 'rules', 'validate', 'test', 'compile', 'policy', 'redrive'];

/** The commands `ecs-admission --help` lists: a new one must be documented to pass. */
async function listedCommands(): Promise<string[]> {
  const { stdout } = await runCli(['--help']);
  const section = stdout.slice(stdout.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!);
}

describe('docs/cli.md', () => {
  const reference = doc('docs/cli.md');

  it('documents every command and option of the CLI', () => {
    for (const word of ['ecs-admission check', 'ecs-admission rules', '--preset', '--format', '--fail-on', '--verbose', '--no-color', 'ecs-admission redrive', '--queue-url', '--max', '--dry-run']) {
      expect(reference).toContain(word);
    }
  });

  it('knows every command of `ecs-admission --help`', async () => {
    expect(await listedCommands()).toEqual(expect.arrayContaining(COMMANDS));
    expect((await listedCommands()).filter((command) => !reference.includes(`ecs-admission ${command}`))).toEqual([]);
  });

  it.each(COMMANDS)('names every option that `ecs-admission %s --help` lists', async (command) => {
    const { status, stdout } = await runCli([command, '--help']);
    expect(status).toBe(0);
    const options = [...new Set([...stdout.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].filter((o) => o !== '--help');
    expect(options.filter((option) => !reference.includes(option))).toEqual([]);
  });

  it('is where the README sends readers for each command, all of which it lists under Commands', async () => {
    const commands = docSection('README.md', '## Commands');
    for (const command of await listedCommands()) expect(commands).toContain(`\`ecs-admission ${command}`);
    expect(commands).toContain('(docs/cli.md)');
  });
});

describe('policies/policy.schema.json', () => {
  it('is generated from the policy schema (run `npm run generate` when this fails)', async () => {
    const { policyJsonSchema } = await import('../../src/policy/schema.js');
    const file = readFileSync(join(root, 'policies/policy.schema.json'), 'utf8');
    expect(file).toBe(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  });
});

describe('docs/policies.md', () => {
  it('documents every field of the policy format', async () => {
    const { CustomRuleSchema, ExceptionSchema, MatchSchema, PolicySchema } = await import('../../src/policy/schema.js');
    const spec = PolicySchema.shape.spec.shape;
    const fields = [...Object.keys(spec), ...Object.keys(MatchSchema.shape), ...Object.keys(CustomRuleSchema.shape), ...Object.keys(ExceptionSchema.shape)];
    const reference = doc('docs/policies.md');
    expect(fields.filter((field) => !new RegExp(`\\b${field}\\b`).test(reference))).toEqual([]);
    for (const word of ['ecs-admission validate', 'ecs-admission test', '--policy', 'strictest', 'expired', 'expiring', 'unused', '`object`', '`request`']) {
      expect(reference).toContain(word);
    }
  });
});
