import * as z from '../../zod.js';
import type { Rule } from '../../core/rule.js';
import { KIND_NAMES } from '../../core/types.js';
import { builtinRules, ruleById } from '../../rules/index.js';
import { choice, UsageError, type CommandArgs, type Io } from '../io.js';

export const RULES_USAGE = `Usage: ecs-admission rules [rule-id] [--format text|json]

Lists the built-in rules, or explains one: rationale, remediation, options and references.`;

export const severityLabel = (rule: Rule): string => (rule.severity === 'inherit' ? 'inherits the worst' : rule.severity);

/** The machine-readable description of a rule (`rules --format json`). */
export function ruleToJson(rule: Rule): object {
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    severity: rule.severity,
    defaultAction: rule.recommended,
    appliesTo: rule.appliesTo,
    rationale: rule.rationale,
    remediation: rule.remediation,
    references: rule.references,
    options: z.toJSONSchema(rule.options, { io: 'input' }),
    defaultOptions: rule.defaultOptions,
  };
}

export function runRules(args: CommandArgs, io: Io): number {
  const format = choice('--format', args.values.format ?? 'text', ['text', 'json'] as const);
  const [id, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`rules takes at most one rule id (got ${args.positionals.join(' ')})`);
  if (id !== undefined) {
    const rule = ruleById(id);
    if (!rule) throw new UsageError(`no rule named ${id}; \`ecs-admission rules\` lists them`);
    io.stdout(format === 'json' ? JSON.stringify(ruleToJson(rule), null, 2) + '\n' : explain(rule));
    return 0;
  }
  if (format === 'json') {
    io.stdout(JSON.stringify(builtinRules.map(ruleToJson), null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...builtinRules.map((r) => r.id.length));
  const lines = builtinRules.map((r) => `${r.id.padEnd(width)}  ${severityLabel(r).padEnd(18)}  ${r.recommended.padEnd(4)}  ${r.title}`);
  io.stdout(
    `${'id'.padEnd(width)}  ${'severity'.padEnd(18)}  ${'recommended'}\n${lines.join('\n')}\n\n${builtinRules.length} rules. \`ecs-admission rules <id>\` explains one.\n`,
  );
  return 0;
}

function explain(rule: Rule): string {
  const schema = z.toJSONSchema(rule.options, { io: 'input' }) as { properties?: Record<string, { description?: string; type?: unknown }> };
  const defaults = rule.defaultOptions as Record<string, unknown>;
  const options = Object.entries(schema.properties ?? {}).map(
    ([name, prop]) => `  ${name}${prop.description ? ` — ${prop.description}` : ''}\n    default: ${JSON.stringify(defaults[name])}`,
  );
  return [
    `${rule.id} — ${rule.title}`,
    `severity: ${severityLabel(rule)}    recommended action: ${rule.recommended}    applies to: ${rule.appliesTo.map((k) => KIND_NAMES[k]).join(', ')}`,
    '',
    rule.description,
    '',
    `Why: ${rule.rationale}`,
    '',
    `Fix: ${rule.remediation}`,
    '',
    `Options:${options.length ? `\n${options.join('\n')}` : ' none'}`,
    '',
    'References:',
    ...rule.references.map((r) => `  - ${r.title}${r.url ? ` <${r.url}>` : ''}`),
    '',
  ].join('\n');
}
