// scripts/serverless-plugin.cjs: a bad deployment parameter stops `serverless package` (and deploy,
// and invoke local) before anything is bundled, with a message naming the parameter and its value.
// Each check in-process, then the real `serverless package` twice: a bad value, a missing policy file.
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { copyService, runServerless } from '../helpers/serverless-package.js';

type Params = Record<string, string | number>;
interface Plugin {
  hooks: Record<string, () => void>;
  checkParams(params: Params): void;
}
const EcsAdmissionPlugin = createRequire(import.meta.url)(join(root, 'scripts/serverless-plugin.cjs')) as new (
  serverless: unknown,
  options: unknown,
  utils: unknown,
) => Plugin;

/** serverless.yml's defaults, as the framework resolves them (numbers stay numbers). */
const DEFAULTS: Params = {
  mode: 'audit',
  alertFormat: 'json',
  policies: 'policies/recommended.yaml',
  maxActions: 10,
  budgetActions: 20,
  budgetWindowSeconds: 300,
  modeCacheSeconds: 30,
  reservedConcurrency: 10,
  ownerTags: 'Owner,owner,Team,team',
  passRoleArns: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*',
  alertEmail: '',
  logRetentionInDays: 30,
  sweepSchedule: 'rate(1 day)',
  sweepEnabled: 'true',
  sweepRegions: 'us-east-1',
};

class ServerlessError extends Error {}
const plugin = (declared: Params = DEFAULTS): Plugin =>
  new EcsAdmissionPlugin(
    { service: { custom: {} }, configurationInput: { params: { default: declared } }, classes: { Error: ServerlessError } },
    {},
    { log: { notice: () => undefined } },
  );
const problems = (params: Params, declared?: Params): string[] => {
  try {
    plugin(declared).checkParams(params);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ServerlessError);
    return (error as Error).message.replace(/^ecs-admission: /, '').split('\n');
  }
};

describe('the parameter checks', () => {
  it('accept the defaults, and good values given on the command line (strings)', () => {
    expect(problems(DEFAULTS)).toEqual([]);
    const good = {
      ...DEFAULTS,
      mode: 'enforce',
      alertFormat: 'chatbot',
      maxActions: '0',
      reservedConcurrency: '50',
      passRoleArns: 'arn:aws:iam::111122223333:role/ecs-task-*,arn:aws-us-gov:iam::111122223333:role/path/web',
      alertEmail: 'oncall@example.com',
      sweepSchedule: 'cron(0 6 * * ? *)',
      sweepRegions: 'eu-west-1,us-gov-west-1',
      sweepEnabled: 'false',
      logRetentionInDays: '365',
    };
    expect(problems(good)).toEqual([]);
  });

  it('name each bad parameter with its value and what was expected, all of them at once', () => {
    const bad = {
      mode: 'enforcee',
      alertFormat: 'html',
      policies: '',
      maxActions: '-1',
      budgetActions: 'twenty',
      budgetWindowSeconds: '0',
      modeCacheSeconds: '1.5',
      reservedConcurrency: '0',
      ownerTags: 'Owner,,Team',
      passRoleArns: 'arn:aws:iam::*:role/*',
      alertEmail: 'oncall',
      logRetentionInDays: '31',
      sweepSchedule: 'daily',
      sweepEnabled: 'yes',
      sweepRegions: 'Frankfurt',
    };
    expect(problems(bad)).toEqual([
      'param "mode" is "enforcee": expected audit or enforce',
      'param "alertFormat" is "html": expected json or chatbot',
      'param "policies" is "": expected policy files or directories, comma-separated',
      'param "maxActions" is "-1": expected a whole number, 0 or more',
      'param "budgetActions" is "twenty": expected a whole number, 0 or more',
      'param "budgetWindowSeconds" is "0": expected a whole number, 1 or more',
      'param "modeCacheSeconds" is "1.5": expected a whole number, 0 or more',
      'param "reservedConcurrency" is "0": expected a whole number, 1 or more (0 would stop every invocation)',
      'param "ownerTags" is "Owner,,Team": expected tag keys, comma-separated (not "")',
      'param "passRoleArns" is "arn:aws:iam::*:role/*": expected IAM role ARNs of this account (arn:aws:iam::<account>:role/<name or pattern>), comma-separated (not "arn:aws:iam::*:role/*")',
      'param "alertEmail" is "oncall": expected an email address, or nothing',
      expect.stringMatching(/^param "logRetentionInDays" is "31": expected one of CloudWatch Logs' retention periods \(1, 3, 5, .*, 3653\)$/),
      'param "sweepSchedule" is "daily": expected an EventBridge schedule: rate(<n> <minutes|hours|days>) or cron(<6 fields>)',
      'param "sweepEnabled" is "yes": expected true or false',
      'param "sweepRegions" is "Frankfurt": expected AWS Region names, comma-separated (not "Frankfurt")',
    ]);
  });

  it('leave no parameter of the service unchecked', () => {
    expect(problems(DEFAULTS, { ...DEFAULTS, newParam: 'x' })).toEqual(['param "newParam" is not in custom.ecsAdmission.params: the plugin cannot check it']);
    expect(problems({ ...DEFAULTS, newParam: 'x' }, { ...DEFAULTS, newParam: 'x' })).toEqual([
      'param "newParam" has no check in scripts/serverless-plugin.cjs',
    ]);
  });

  it('run before anything is bundled: on package, deploy function and invoke local (deploy packages first)', () => {
    expect(Object.keys(plugin().hooks).sort()).toEqual(['before:deploy:function:initialize', 'before:invoke:local:loadEnvVars', 'before:package:cleanup']);
  });
});

describe('serverless package with a bad parameter', () => {
  const packageWith = async (param: string) => {
    const work = mkdtempSync(join(inject('runDir'), 'bad-param-'));
    copyService(work);
    const started = Date.now();
    const failure = await runServerless(work, ['package', '--package', 'out', `--param=${param}`], { timeoutMs: 60_000 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    return { failure, seconds: (Date.now() - started) / 1000, bundled: existsSync(join(work, '.esbuild')), packaged: existsSync(join(work, 'out')) };
  };

  it('stops before esbuild bundles, naming the parameter: a mode that is not one, a policy file that does not exist', { timeout: 90_000 }, async () => {
    const [mode, policies] = await Promise.all([packageWith('mode=enforcee'), packageWith('policies=policies/recommended.yaml,policies/production.yaml')]);
    expect(mode.failure).toContain('ecs-admission: param "mode" is "enforcee": expected audit or enforce');
    expect(policies.failure).toContain(
      'ecs-admission: param "policies" is "policies/recommended.yaml,policies/production.yaml": the policies do not compile:\n  policies/production.yaml: no such file or directory',
    );
    for (const run of [mode, policies]) expect(run).toMatchObject({ bundled: false, packaged: false });
    console.log(`serverless package stopped by a bad parameter after ${mode.seconds.toFixed(1)} s and ${policies.seconds.toFixed(1)} s (in parallel)`);
  });
});
