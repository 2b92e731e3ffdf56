import { parseArgs } from 'node:util';
import { CHECK_USAGE, runCheck } from './commands/check.js';
import { COMPILE_USAGE, runCompile } from './commands/compile.js';
import { GUARDRAILS_USAGE, runGuardrails } from './commands/guardrails.js';
import { POLICY_USAGE, runPolicy } from './commands/policy.js';
import { REDRIVE_USAGE, runRedrive } from './commands/redrive.js';
import { RULES_USAGE, runRules } from './commands/rules.js';
import { runScan, SCAN_USAGE } from './commands/scan.js';
import { runTest, TEST_USAGE } from './commands/test.js';
import { runValidate, VALIDATE_USAGE } from './commands/validate.js';
import { UsageError, type Io } from './io.js';
import { VERSION } from './version.js';

const USAGE = `ecs-admission ${VERSION} — admission control for Amazon ECS

Usage: ecs-admission <command> [options]

Commands:
  check <file|dir|->...   evaluate task definitions, services, task sets, tasks, CloudTrail
                          events and CloudFormation templates offline
  scan                    sweep what already runs in AWS (accounts, regions) and report what the
                          policies would deny; changes nothing
  redrive --queue-url <url>
                          run the admission Lambda's dead-letter queue through the handler
                          again, deleting what it handled
  rules [id]              list the built-in rules, or explain one
  validate [path]...      check policy files (default: policies/)
  test [path]...          run policy test suites (default: policies/)
  compile <path>... --out <file>
                          check policy files and write them compiled to one JSON file (what the
                          Lambda reads)
  policy push <path>... --bucket <name>
                          check policy files and run their tests, then upload them compiled to
                          S3, where the Lambdas pick them up without a redeploy
  guardrails --policy <path>...
                          print the SCPs (or IAM policies) that deny before it happens what the
                          enforced rules forbid, and the quarantine of denied revisions

Run \`ecs-admission <command> --help\` for the options of a command.`;

const COMMANDS = {
  check: { usage: CHECK_USAGE, run: runCheck },
  scan: { usage: SCAN_USAGE, run: runScan },
  rules: { usage: RULES_USAGE, run: runRules },
  validate: { usage: VALIDATE_USAGE, run: runValidate },
  test: { usage: TEST_USAGE, run: runTest },
  compile: { usage: COMPILE_USAGE, run: runCompile },
  policy: { usage: POLICY_USAGE, run: runPolicy },
  redrive: { usage: REDRIVE_USAGE, run: runRedrive },
  guardrails: { usage: GUARDRAILS_USAGE, run: runGuardrails },
} as const;

const OPTIONS = {
  preset: { type: 'string' },
  policy: { type: 'string', multiple: true },
  audit: { type: 'boolean' },
  format: { type: 'string' },
  output: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  verbose: { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
  'policy-root': { type: 'string' },
  'max-file-size': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  regions: { type: 'string' },
  accounts: { type: 'string' },
  organization: { type: 'boolean' },
  'role-name': { type: 'string' },
  'all-revisions': { type: 'boolean' },
  html: { type: 'string' },
  concurrency: { type: 'string' },
  out: { type: 'string' },
  bucket: { type: 'string' },
  key: { type: 'string' },
  'queue-url': { type: 'string' },
  region: { type: 'string' },
  max: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'admin-role-arns': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export const processIo = (): Io => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
});

/** Runs the CLI; returns the exit status. Never throws: every failure is a message and status 2. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name as keyof typeof COMMANDS] as (typeof COMMANDS)[keyof typeof COMMANDS] | undefined;
  if (!command) {
    io.stderr(`ecs-admission: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      io.stdout(`${command.usage}\n`);
      return 0;
    }
    if (values['no-color']) values.color = false;
    return await Promise.resolve(command.run({ positionals, values }, io));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ecs-admission ${name}: ${(error as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    // Anything else is a bug: say so plainly, without a stack trace unless asked for.
    io.stderr(
      `ecs-admission ${name}: internal error: ${(error as Error).message}\n${io.env.ECS_ADMISSION_DEBUG ? `${(error as Error).stack}\n` : 'Set ECS_ADMISSION_DEBUG=1 for details.\n'}`,
    );
    return 2;
  }
}
