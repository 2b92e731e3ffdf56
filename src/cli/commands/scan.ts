import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { DEFAULT_OWNER_TAGS } from '../../admission/plan.js';
import { sweepTargets } from '../../adapters/aws/accounts.js';
import { reachesThreshold, type FailOn } from '../../use-cases/check.js';
import { SEVERITIES } from '../../core/types.js';
import { activeRules } from '../../policy/engine.js';
import { renderHtmlReport } from '../../render/html/report.js';
import { sweep, type SweepProgress } from '../../use-cases/sweep.js';
import { formatOption, formatUsage, OUTPUT_FORMATS, sweepAsCheck } from '../formats/index.js';
import { choice, UsageError, type CommandArgs, type Io } from '../io.js';
import { selectPolicies } from '../select-policies.js';
import { policyEvaluator } from '../../policy/evaluator.js';
import { DEFAULT_MEMBER_ROLE } from '../../adapters/aws/member-access.js';

export const SCAN_USAGE = `Usage: ecs-admission scan [options]

Sweeps what already runs — clusters, services and their task sets, running standalone tasks, and
the task definition revisions they use — and evaluates it with the same policies and exceptions
as the Lambda. Changes nothing: for each violation it says what enforcement would do.

Options:
  --regions <list>       comma-separated regions (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)
  --accounts <list>      comma-separated account ids (default: the current credentials' account)
  --organization         every ACTIVE account of the AWS Organization
  --role-name <name>     role to assume in each account other than the current one
                         (default ${DEFAULT_MEMBER_ROLE}, the member stack's role)
  --all-revisions        also evaluate every ACTIVE task definition revision, used or not
  --policy <path>        evaluate with these policy files (repeatable); else --preset
  --preset <name>        recommended (default) | strict
${formatUsage(25)}
  --html <file>          also write a self-contained HTML report
  --fail-on <level>      deny (default) | critical | high | medium | low | none
  --concurrency <n>      API calls in flight per account and region (default 8)
  --verbose              text: also list passing resources

Credentials, region and endpoint come from the usual AWS environment (AWS_PROFILE,
AWS_ENDPOINT_URL…). Exit status: 0 nothing reached --fail-on, 1 something did, 2 bad usage or an
account or region that could not be read (the rest is still reported).`;

const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

export async function runScan(args: CommandArgs, io: Io): Promise<number> {
  const { values, positionals } = args;
  if (positionals.length > 0) throw new UsageError(`scan takes no file arguments (got ${positionals.join(' ')}); use check for files`);
  const format = formatOption(values.format);
  const failOn: FailOn = choice('--fail-on', values['fail-on'] ?? 'deny', ['deny', 'none', ...SEVERITIES] as const);
  const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got ${String(values.concurrency)})`);
  const regions = list(values.regions);
  if (regions.length === 0) regions.push(io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1');
  const roleName = typeof values['role-name'] === 'string' ? values['role-name'] : DEFAULT_MEMBER_ROLE;
  if (values.organization && values.accounts) throw new UsageError('--organization and --accounts exclude each other');

  const now = new Date();
  const selected = await selectPolicies(values, now, io);
  if (!selected) return 2;
  const { policies, name } = selected;

  let targets;
  try {
    // AWS_MAX_ATTEMPTS is the SDK's own variable; the sweep's default is higher than the SDK's 3.
    const maxAttempts = Number(io.env.AWS_MAX_ATTEMPTS) || undefined;
    targets = await sweepTargets({
      regions,
      accounts: list(values.accounts),
      organization: values.organization === true,
      roleName,
      ...(maxAttempts ? { maxAttempts } : {}),
    });
  } catch (error) {
    io.stderr(`ecs-admission scan: cannot list the accounts to sweep: ${(error as Error).name}: ${(error as Error).message}\n`);
    return 2;
  }

  const progress = progressReporter(io);
  const report = await sweep(targets, {
    allRevisions: values['all-revisions'] === true,
    concurrency,
    parallelTargets: 4,
    ownerTags: DEFAULT_OWNER_TAGS,
    makeEvaluate: policyEvaluator(policies, { now }).makeEvaluate,
    policies: policies.map((p) => p.name),
    now: () => new Date(),
    onProgress: progress.update,
  });
  progress.stop();

  const asCheck = sweepAsCheck(report, name);
  if (typeof values.html === 'string') {
    writeFileSync(values.html, renderHtmlReport(report));
    io.stderr(`ecs-admission scan: report written to ${values.html}\n`);
  }
  const color = typeof values.color === 'boolean' ? values.color : io.isTTY && !io.env.NO_COLOR;
  io.stdout(
    OUTPUT_FORMATS[format].render({
      report: asCheck,
      sweep: report,
      exceptions: [],
      rules: activeRules(policies),
      cwd: io.cwd,
      color,
      verbose: values.verbose === true,
    }),
  );
  for (const f of report.failures) io.stderr(`ecs-admission scan: ${f.account}/${f.region}: ${f.operation ? `${f.operation}: ` : ''}${f.code}: ${f.message}\n`);
  if (report.failures.length > 0) return 2;
  return reachesThreshold(asCheck, failOn) ? 1 : 0;
}

/** A progress bar on a terminal; plain lines otherwise (CI logs). Both on stderr. */
function progressReporter(io: Io): { update: (p: SweepProgress) => void; stop: () => void } {
  if (!io.isTTY)
    return {
      update: (p) => p.finished && io.stderr(`swept ${p.finished} (${p.targetsDone}/${p.targets}): ${p.apiCalls} API calls, ${p.resources} resources\n`),
      stop: () => undefined,
    };
  // The bar draws on the command's stderr (a terminal here), through the few stream members it uses.
  const stream = {
    isTTY: true,
    columns: Number(io.env.COLUMNS) || 100,
    write: (text: string) => (io.stderr(text), true),
    on: () => stream,
  } as unknown as NodeJS.WritableStream;
  const bar = new cliProgress.SingleBar(
    { format: 'sweeping {bar} {value}/{total} account-regions · {calls} API calls · {resources} resources', stream, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (!started) bar.start(p.targets, 0, { calls: 0, resources: 0 });
      started = true;
      bar.update(p.targetsDone, { calls: p.apiCalls, resources: p.resources });
    },
    stop: () => started && bar.stop(),
  };
}
