import { readFileSync } from 'node:fs';
import { checkDocuments, reachesThreshold, type FailOn } from '../../app/check.js';
import { SEVERITIES } from '../../core/types.js';
import { activeRules, createPolicyEngine } from '../../policy/engine.js';
import { toJsonReport } from '../format/json.js';
import { toSarif } from '../format/sarif.js';
import { toText } from '../format/text.js';
import { readInputs } from '../read-inputs.js';
import { choice, UsageError, type CommandArgs, type Io } from '../io.js';
import { selectPolicies } from '../policies.js';

export const CHECK_USAGE = `Usage: ecs-admission check <file|dir|->... [options]

Evaluates ECS task definitions, services, task sets and tasks offline: API requests and
responses, CloudTrail records and EventBridge events, CloudFormation templates (JSON or YAML).
Directories are read recursively (*.json, *.yaml, *.yml); - reads standard input.

Options:
  --policy <path>      evaluate with the policy files at <path> (file or directory; repeatable)
                       instead of a preset
  --preset <name>      recommended (default) | strict, when no --policy is given
  --audit              force audit mode over every policy (so does ECS_ADMISSION_MODE=audit)
  --format <format>    text (default) | json | sarif
  --fail-on <level>    deny (default: any finding whose action is deny) | critical | high |
                       medium | low (any finding at or above that severity) | none
  --verbose            text: also list passing resources and skipped rules with the reason
  --color / --no-color force colours on or off (default: on for a terminal, unless NO_COLOR)

Exit status: 0 nothing reached --fail-on, 1 something did, 2 bad usage or unreadable input.`;

export async function runCheck(args: CommandArgs, io: Io): Promise<number> {
  const { positionals, values } = args;
  if (positionals.length === 0) throw new UsageError('check needs at least one file, directory or - (standard input)');
  const format = choice('--format', values.format ?? 'text', ['text', 'json', 'sarif'] as const);
  const failOn: FailOn = choice('--fail-on', values['fail-on'] ?? 'deny', ['deny', 'none', ...SEVERITIES] as const);

  const now = new Date();
  const selected = await selectPolicies(values, now, io);
  if (!selected) return 2;
  const { policies, name } = selected;
  const forceAudit = values.audit === true || io.env.ECS_ADMISSION_MODE === 'audit';
  const { inputs, problems } = readInputs(positionals, () => readFileSync(0, 'utf8'));
  let engine: ReturnType<typeof createPolicyEngine> | undefined;
  const report = checkDocuments(inputs, name, (resolveTaskDefinition) => {
    engine = createPolicyEngine(policies, { now, forceAudit, resolveTaskDefinition });
    return engine.evaluate;
  }, problems);
  const exceptions = engine?.exceptions() ?? [];

  if (format === 'json') io.stdout(JSON.stringify(toJsonReport(report, exceptions), null, 2) + '\n');
  else if (format === 'sarif') io.stdout(JSON.stringify(toSarif(report, activeRules(policies), io.cwd), null, 2) + '\n');
  else {
    const color = typeof values.color === 'boolean' ? values.color : io.isTTY && !io.env.NO_COLOR;
    io.stdout(toText(report, { color, verbose: values.verbose === true }, exceptions));
  }
  // Problems with the input go to stderr too, so they are seen whatever the format.
  for (const e of report.errors) io.stderr(`ecs-admission: ${e.source}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}\n`);
  if (report.errors.length > 0) return 2;
  return reachesThreshold(report, failOn) ? 1 : 0;
}
