import { checkInputs, hasError, reachesThreshold, type CheckReport, type FailOn } from '../../use-cases/check.js';
import { SEVERITIES } from '../../core/types.js';
import { moduleFileReader } from '../../adapters/module-files.js';
import { activeRules } from '../../policy/engine.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatOption, formatUsage, OUTPUT_FORMATS, outputOptions, type FormatInput } from '../formats/index.js';
import { DEFAULT_MAX_FILE_MIB, readInputs } from '../read-inputs.js';
import { choice, UsageError, type CommandArgs, type Io } from '../io.js';
import { selectPolicies } from '../select-policies.js';
import { policyEvaluator } from '../../policy/evaluator.js';

export const CHECK_USAGE = `Usage: ecs-admission check <file|dir|->... [options]

Evaluates ECS task definitions, services, task sets and tasks offline: API requests and
responses, CloudTrail records and EventBridge events, CloudFormation templates (JSON or YAML),
Terraform plans (terraform show -json) and Terraform source (*.tf, *.tf.json: the files of one
directory are one module; variables and references are unknown). Directories are read
recursively (*.json, *.yaml, *.yml, *.tf); - reads standard input (JSON or YAML).

Options:
  --policy <path>      evaluate with the policy files at <path> (file or directory; repeatable)
                       instead of a preset
  --policy-root <dir>  the directory extends may name files in (default: each policy file's own)
  --preset <name>      recommended (default) | strict, when no --policy is given
  --audit              force audit mode over every policy (so does ECS_ADMISSION_MODE=audit)
${formatUsage(23)}
  --output <format>=<file> also write the report in <format> to <file> (repeatable): one
                       evaluation, several reports (SARIF for code scanning, JUnit for CI)
  --fail-on <level>    deny (default: any finding whose action is deny) | unknown (deny, or a
                       deny rule that could not decide, or anything not judged) | critical |
                       high | medium | low (any finding at or above that severity) | none
  --allow-empty        exit 0 when the inputs hold nothing that can be judged (default: exit 2)
  --max-file-size <MiB> refuse larger files (default ${DEFAULT_MAX_FILE_MIB})
  --verbose            text: also list passing resources and skipped rules with the reason
  --color / --no-color force colours on or off (default: on for a terminal, unless NO_COLOR)

Exit status: 0 nothing reached --fail-on; 1 something did; 2 bad usage, an input that could not
be read or parsed, a value of the wrong type, a rule error (unless its policy says
onError: ignore), or nothing that could be judged in the inputs (unless --allow-empty).`;

export async function runCheck(args: CommandArgs, io: Io): Promise<number> {
  const { positionals, values } = args;
  if (positionals.length === 0) throw new UsageError('check needs at least one file, directory or - (standard input)');
  const format = formatOption(values.format);
  const outputs = outputOptions(values.output);
  const failOn: FailOn = choice('--fail-on', values['fail-on'] ?? 'deny', ['deny', 'unknown', 'none', ...SEVERITIES] as const);
  const maxMiB = values['max-file-size'] === undefined ? DEFAULT_MAX_FILE_MIB : Number(values['max-file-size']);
  if (!Number.isFinite(maxMiB) || maxMiB <= 0)
    throw new UsageError(`--max-file-size must be a positive number of MiB (got ${String(values['max-file-size'])})`);

  const now = new Date();
  const selected = await selectPolicies(values, now, io);
  if (!selected) return 2;
  const { policies, name } = selected;
  const forceAudit = values.audit === true || io.env.ECS_ADMISSION_MODE === 'audit';
  const { inputs, problems } = readInputs(positionals, maxMiB * 1024 * 1024);
  const evaluator = policyEvaluator(policies, { now, audit: forceAudit });
  const report = await checkInputs(inputs, name, evaluator.makeEvaluate, problems, moduleFileReader(maxMiB * 1024 * 1024));
  const exceptions = evaluator.exceptions();

  const color = typeof values.color === 'boolean' ? values.color : io.isTTY && !io.env.NO_COLOR;
  const input: FormatInput = { report, exceptions, rules: activeRules(policies), cwd: io.cwd, color, verbose: values.verbose === true };
  io.stdout(OUTPUT_FORMATS[format].render(input));
  for (const output of outputs) {
    const file = resolve(io.cwd, output.file);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, OUTPUT_FORMATS[output.format].render({ ...input, color: false }));
    } catch (error) {
      io.stderr(`ecs-admission check: cannot write --output ${output.format}=${output.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return 2;
    }
  }
  // The text report shows every error; JSON and SARIF hold them as data, so that a terminal sees
  // each once, stderr says only how many there are and where to read them.
  if (format !== 'text' && report.errors.length > 0) {
    io.stderr(
      `ecs-admission check: ${report.errors.length} input${report.errors.length === 1 ? '' : 's'} could not be read or parsed: see "errors" in the report\n`,
    );
  }
  return exitStatus(report, failOn, values['allow-empty'] === true, io);
}

/** 2 for anything that was not judged cleanly (an error), 1 when --fail-on is reached, else 0. */
function exitStatus(report: CheckReport, failOn: FailOn, allowEmpty: boolean, io: Io): number {
  if (report.errors.length > 0 || report.results.some(hasError)) return 2;
  const judged = report.results.filter((r) => r.resource.notJudged === undefined).length;
  if (judged === 0 && !allowEmpty) {
    // Nothing judged is never a clean pass: no ECS document at all, or only what no one can judge offline.
    const notJudged = report.results.length + report.unjudged.length;
    io.stderr(
      notJudged > 0
        ? `ecs-admission check: nothing in the inputs could be judged (${notJudged} part${notJudged === 1 ? '' : 's'} not judged, see above); pass --allow-empty to accept that\n`
        : 'ecs-admission check: no ECS resource found in the inputs (task definitions, services, task sets, tasks, CloudTrail records or CloudFormation templates); pass --allow-empty to accept that\n',
    );
    return 2;
  }
  return reachesThreshold(report, failOn) ? 1 : 0;
}
