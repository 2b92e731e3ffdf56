/**
 * Runs the real `serverless package` (osls + serverless-esbuild) once per test run, on a temporary
 * copy of the service, so that it neither writes .esbuild/ or .serverless/ into the working tree nor
 * collides with a package run by a developer at the same time.
 *
 * Test files run in parallel workers: the first to ask builds into the run's scratch folder
 * (test/setup/run-dir.ts), the others wait for its result, and the folder goes at the end of the run.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { root } from './cli.js';

/** A CloudFormation template as far as the tests read it. */
export interface Template {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Condition?: string; DependsOn?: unknown; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties: Record<string, unknown> }
  >;
  Outputs?: Record<string, unknown>;
}

export interface PackagedService {
  /** `--package` output folder: the templates and the zip. */
  outDir: string;
  templatePath: string;
  template: Template;
  zipPath: string;
  /** How long `serverless package` took. */
  seconds: number;
}

/**
 * What the service needs to package: its config (serverless.yml, deploy/), the local plugin
 * (scripts/) and the built CLI it compiles the policies with (bin/, dist/), the sources esbuild
 * bundles, the policy files.
 */
const SERVICE_FILES = ['serverless.yml', 'deploy', 'scripts', 'bin', 'dist', 'package.json', 'tsconfig.json', 'src', 'policies'];
const BUILD_TIMEOUT_MS = 90_000;

/**
 * The service packaged with the default params, or with `params` (`--param=name=value` each): one
 * build per set of params and run, shared by the test files that ask for it.
 */
export async function packageService(params: Record<string, string> = {}): Promise<PackagedService> {
  const args = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
  const suffix = Object.entries(params)
    .map(([name, value]) => `-${name}-${value}`.replace(/[^\w.-]/g, '_'))
    .join('');
  const folder = join(inject('runDir'), `serverless-package${suffix}`);
  const outDir = join(folder, 'out');
  const done = join(folder, 'seconds.txt');
  const failed = join(folder, 'error.txt');

  let builder = true;
  try {
    mkdirSync(folder); // atomic: exactly one test file gets to build
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    builder = false;
  }
  if (builder) {
    try {
      writeFileSync(done, String(await build(join(folder, 'service'), outDir, args)));
    } catch (error) {
      writeFileSync(failed, (error as Error).message);
      throw error;
    }
  } else {
    const deadline = Date.now() + BUILD_TIMEOUT_MS + 10_000;
    while (!existsSync(done)) {
      if (existsSync(failed)) throw new Error(`serverless package failed in another test file:\n${readFileSync(failed, 'utf8')}`);
      if (Date.now() > deadline) throw new Error('gave up waiting for the serverless package another test file builds');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const templatePath = join(outDir, 'cloudformation-template-update-stack.json');
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
  const seconds = Number(readFileSync(done, 'utf8'));
  return { outDir, templatePath, template, zipPath: join(outDir, 'ecs-admission.zip'), seconds };
}

/** A copy of the service in `work`, as `serverless` sees it in a checkout (node_modules linked). */
export function copyService(work: string): void {
  for (const name of SERVICE_FILES) cpSync(join(root, name), join(work, name), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
}

/**
 * Runs the `serverless` command (osls) in `work`, in a clean environment: no LOCAL_* values
 * unless given (they would replace the CloudFormation references in the function's environment,
 * see serverless.yml), no real credentials or AWS config (HOME is the scratch folder), no
 * telemetry. Its output is in the error when it fails.
 */
export async function runServerless(work: string, args: string[], options: { env?: Record<string, string>; timeoutMs: number }): Promise<{ stdout: string }> {
  try {
    return await promisify(execFile)(process.execPath, [join(root, 'node_modules/osls/bin/serverless.js'), ...args], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        SLS_TELEMETRY_DISABLED: '1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.env,
      },
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`serverless ${args[0] ?? ''} failed: ${message}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** Copies the service to `work` and packages it into `outDir` (osls makes no network call); returns the seconds it took. */
async function build(work: string, outDir: string, args: string[]): Promise<number> {
  copyService(work);
  const started = Date.now();
  await runServerless(work, ['package', '--package', outDir, ...args], { timeoutMs: BUILD_TIMEOUT_MS });
  return (Date.now() - started) / 1000;
}

/** The only resource of a type (fails the test when there are none or several). */
export function onlyResource(template: Template, type: string): { logicalId: string; Properties: Record<string, unknown>; Condition?: string } {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0]!;
  return { logicalId, ...resource };
}
