import { readFileSync } from 'node:fs';
import { checkDocuments, reachesThreshold, summarize, type FailOn } from '../../app/check.js';
import { presetRuleSet, PRESETS, type PresetName } from '../../core/presets.js';
import { SEVERITIES } from '../../core/types.js';
import { builtinRules } from '../../rules/index.js';
import { toJsonReport } from '../format/json.js';
import { toSarif } from '../format/sarif.js';
import { toText } from '../format/text.js';
import { readInputs } from '../read-inputs.js';
import { choice, UsageError, type Io } from '../io.js';

export const CHECK_USAGE = `Usage: ecs-admission check <file|dir|->... [options]

Evaluates ECS task definitions, services, task sets and tasks offline: API requests and
responses, CloudTrail records and EventBridge events, CloudFormation templates (JSON or YAML).
Directories are read recursively (*.json, *.yaml, *.yml); - reads standard input.

Options:
  --preset <name>      recommended (default) | strict
  --format <format>    text (default) | json | sarif
  --fail-on <level>    deny (default: any finding whose action is deny) | critical | high |
                       medium | low (any finding at or above that severity) | none
  --verbose            text: also list passing resources and skipped rules with the reason
  --color / --no-color force colours on or off (default: on for a terminal, unless NO_COLOR)

Exit status: 0 nothing reached --fail-on, 1 something did, 2 bad usage or unreadable input.`;

export function runCheck(args: { positionals: string[]; values: Record<string, string | boolean | undefined> }, io: Io): number {
  const { positionals, values } = args;
  if (positionals.length === 0) throw new UsageError('check needs at least one file, directory or - (standard input)');
  const preset: PresetName = choice('--preset', values.preset ?? 'recommended', PRESETS);
  const format = choice('--format', values.format ?? 'text', ['text', 'json', 'sarif'] as const);
  const failOn: FailOn = choice('--fail-on', values['fail-on'] ?? 'deny', ['deny', 'none', ...SEVERITIES] as const);

  const ruleSet = presetRuleSet(preset, builtinRules);
  const { inputs, problems } = readInputs(positionals, () => readFileSync(0, 'utf8'));
  const report = checkDocuments(inputs, ruleSet);
  report.errors.unshift(...problems);
  report.summary = summarize(report.results, report.errors.length);

  if (format === 'json') io.stdout(JSON.stringify(toJsonReport(report), null, 2) + '\n');
  else if (format === 'sarif') io.stdout(JSON.stringify(toSarif(report, ruleSet, io.cwd), null, 2) + '\n');
  else {
    const color = typeof values.color === 'boolean' ? values.color : io.isTTY && !io.env.NO_COLOR;
    io.stdout(toText(report, { color, verbose: values.verbose === true }));
  }
  // Problems with the input go to stderr too, so they are seen whatever the format.
  for (const e of report.errors) io.stderr(`ecs-admission: ${e.source}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}\n`);
  if (report.errors.length > 0) return 2;
  return reachesThreshold(report, failOn) ? 1 : 0;
}
