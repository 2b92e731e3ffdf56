// The ecs-admission serverless plugin (listed first in serverless.yml's `plugins`). On `package`,
// `deploy` (which packages), `deploy function` and `invoke local`, before esbuild bundles anything:
//  1. checks every deployment parameter (custom.ecsAdmission.params, as the framework resolved
//     them) and stops with a message naming each bad one: `param "mode" is "enforcee": expected
//     audit or enforce`;
//  2. compiles the `policies` param (policy files and directories) with `ecs-admission compile`
//     into custom.ecsAdmission.compiledPolicies, which the package takes and the functions read
//     (with policiesFrom=bucket, nothing: the functions follow the hub bucket's object, which
//     `ecs-admission policy push` publishes; the deploy uploads nothing there);
//  3. on invoke local, turns source maps on, as the deployed function has them.
// A bad setting then fails the package, not every invocation after a deploy.
// CommonJS: the framework require()s plugins, and the package is "type": "module".
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const CLI = path.join(__dirname, '..', 'bin', 'ecs-admission.js');
const BUILT_CLI = path.join(__dirname, '..', 'dist', 'cli.mjs');

/** A check per parameter: undefined when the value is good, else what was expected. */
const oneOf =
  (...allowed) =>
  (v) =>
    allowed.includes(v) ? undefined : `expected ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
const wholeNumber =
  (min, why = '') =>
  (v) =>
    /^\d+$/.test(v) && Number(v) >= min ? undefined : `expected a whole number, ${min} or more${why}`;
const listOf = (pattern, what) => (v) => {
  const items = v.split(',').map((s) => s.trim());
  const bad = items.filter((s) => !pattern.test(s));
  if (items.length === 0 || v.trim() === '') return `expected ${what}, comma-separated`;
  return bad.length > 0 ? `expected ${what}, comma-separated (not ${bad.map((b) => JSON.stringify(b)).join(', ')})` : undefined;
};

/** Tag key characters as ECS allows them. */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/** A role ARN (pattern): this partition and account may be written as CloudFormation pseudo parameters. */
const ROLE_ARN = /^arn:(aws[a-z-]*|\$\{AWS::Partition\}):iam::(\d{12}|\$\{AWS::AccountId\}):role\/[\w+=,.@/*-]+$/;
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;
/** An AWS Organizations id (DescribeOrganization's Id). */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** An IAM role name (no path). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const CHECKS = {
  mode: oneOf('audit', 'enforce'),
  alertFormat: oneOf('json', 'chatbot'),
  policies: listOf(/^\S+$/, 'policy files or directories'),
  maxActions: wholeNumber(0),
  budgetActions: wholeNumber(0),
  budgetWindowSeconds: wholeNumber(1),
  modeCacheSeconds: wholeNumber(0),
  reservedConcurrency: wholeNumber(1, ' (0 would stop every invocation)'),
  ownerTags: listOf(TAG_KEY, 'tag keys'),
  passRoleArns: listOf(ROLE_ARN, 'IAM role ARNs of this account (arn:aws:iam::<account>:role/<name or pattern>)'),
  alertEmail: (v) => (v === '' || /^[^@\s]+@[^@\s]+$/.test(v) ? undefined : 'expected an email address, or nothing'),
  logRetentionInDays: (v) =>
    RETENTION_DAYS.includes(Number(v)) && /^\d+$/.test(v) ? undefined : `expected one of CloudWatch Logs' retention periods (${RETENTION_DAYS.join(', ')})`,
  sweepSchedule: (v) =>
    /^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/.test(v) || /^cron\((\S+ ){5}\S+\)$/.test(v)
      ? undefined
      : 'expected an EventBridge schedule: rate(<n> <minutes|hours|days>) or cron(<6 fields>)',
  sweepEnabled: oneOf('true', 'false'),
  sweepRegions: listOf(REGION, 'AWS Region names'),
  shape: oneOf('single', 'hub'),
  organizationId: (v) =>
    v === '' || ORGANIZATION_ID.test(v) ? undefined : 'expected an AWS Organizations id (o- and 10 to 32 lowercase letters or digits), or nothing',
  memberRoleName: (v) => (ROLE_NAME.test(v) ? undefined : 'expected an IAM role name (up to 64 letters, digits and +=,.@_-)'),
  sweepAccounts: (v) => (v === '' ? undefined : listOf(/^\d{12}$/, 'AWS account ids (12 digits)')(v)),
  sweepFanOut: oneOf('auto', 'always', 'never'),
  policiesFrom: oneOf('package', 'bucket'),
  policiesCheckSeconds: wholeNumber(0, ' (0: every invocation checks)'),
  reportBlocked: oneOf('true', 'false'),
};

/** Checks across parameters, once each one is good on its own: what is missing or meaningless together. */
const TOGETHER = [
  ({ shape, sweepAccounts, sweepFanOut }) =>
    shape === 'single' && ((sweepAccounts ?? '') !== '' || (sweepFanOut ?? 'auto') !== 'auto')
      ? `param ${(sweepAccounts ?? '') !== '' ? `"sweepAccounts" is ${JSON.stringify(sweepAccounts)}` : `"sweepFanOut" is ${JSON.stringify(sweepFanOut)}`} but param "shape" is "single", which sweeps its own account only: add --param="shape=hub" for an organization sweep, or leave it out`
      : undefined,
  ({ shape, organizationId }) =>
    shape === 'hub' && organizationId === ''
      ? 'param "organizationId" is "": the hub shape needs the organization\'s id (o-..., from `aws organizations describe-organization`): only its accounts may put events on the hub\'s bus and be acted in'
      : undefined,
  ({ shape, organizationId }) =>
    shape === 'single' && organizationId !== ''
      ? `param "organizationId" is ${JSON.stringify(organizationId)} but param "shape" is "single", which has no use for it: add --param="shape=hub" for a hub, or leave organizationId out`
      : undefined,
  ({ shape, policiesFrom }) =>
    policiesFrom === 'bucket' && shape !== 'hub'
      ? `param "policiesFrom" is "bucket" but param "shape" is ${JSON.stringify(shape ?? 'single')}: the policy bucket is the hub's (deploy/hub.yml); add --param="shape=hub" --param="organizationId=o-..." for a hub, or leave policiesFrom out to compile the "policies" param into the package`
      : undefined,
];

class EcsAdmissionPlugin {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.log = utils?.log ?? { notice: (text) => console.log(text) };
    const prepare = () => this.prepare();
    this.hooks = {
      'before:package:cleanup': prepare,
      'before:deploy:function:initialize': prepare,
      'before:invoke:local:loadEnvVars': () => {
        prepare();
        // The handler runs in this process: stack traces point into the sources, as they do in
        // the deployed function (NODE_OPTIONS=--enable-source-maps), not into the minified bundle.
        process.setSourceMapsEnabled(true);
      },
    };
  }

  prepare() {
    const settings = this.serverless.service.custom?.ecsAdmission;
    if (!settings?.params || !settings.compiledPolicies) throw this.error('serverless.yml: custom.ecsAdmission needs `params` and `compiledPolicies`');
    this.checkParams(settings.params);
    if (String(settings.params.policiesFrom) === 'bucket') {
      // Nothing to compile or upload: the functions follow the hub bucket's object, which only
      // `ecs-admission policy push` writes (checks, tests, compiles, then uploads).
      this.log.notice(
        'ecs-admission: policiesFrom=bucket: no policies in the package; the functions read s3://<stack output PolicyBucket>/policies.json. Before the first event (until then every event fails and waits for a redrive): ecs-admission policy push <policy files> --bucket <PolicyBucket>',
      );
      return;
    }
    this.compile(String(settings.params.policies), settings.compiledPolicies);
  }

  /** Every parameter the service declares is checked, and each problem named; all at once. */
  checkParams(params) {
    const declared = Object.keys(this.serverless.configurationInput?.params?.default ?? {});
    const problems = [];
    for (const name of declared) if (!(name in params)) problems.push(`param "${name}" is not in custom.ecsAdmission.params: the plugin cannot check it`);
    for (const [name, raw] of Object.entries(params)) {
      const check = CHECKS[name];
      const value = raw === null || raw === undefined ? '' : String(raw);
      if (!check) problems.push(`param "${name}" has no check in scripts/serverless-plugin.cjs`);
      else {
        const expected = check(value);
        if (expected) problems.push(`param "${name}" is ${JSON.stringify(value)}: ${expected}`);
      }
    }
    if (problems.length === 0) {
      const values = Object.fromEntries(Object.entries(params).map(([name, raw]) => [name, raw === null || raw === undefined ? '' : String(raw)]));
      for (const check of TOGETHER) {
        const problem = check(values);
        if (problem) problems.push(problem);
      }
    }
    if (problems.length > 0) throw this.error(problems.join('\n'));
  }

  /** `ecs-admission compile`, run in the service folder so that the bundle names files as the param does. */
  compile(policies, out) {
    if (!existsSync(BUILT_CLI))
      throw this.error(
        `${path.relative(process.cwd(), BUILT_CLI)} is missing: run \`npm ci\` (or \`npm run build\`) to build the ecs-admission CLI, which compiles the policies`,
      );
    const paths = policies.split(',').map((s) => s.trim());
    const run = spawnSync(process.execPath, [CLI, 'compile', ...paths, '--out', out], { cwd: this.serverless.serviceDir, encoding: 'utf8' });
    if (run.error) throw run.error;
    if (run.status !== 0) {
      const lines = `${run.stderr}${run.stdout}`
        .trim()
        .split('\n')
        .map((l) => `  ${l}`);
      throw this.error(`param "policies" is ${JSON.stringify(policies)}: the policies do not compile:\n${lines.join('\n')}`);
    }
    this.log.notice(`ecs-admission: ${run.stdout.trim()}`);
  }

  error(message) {
    return new this.serverless.classes.Error(`ecs-admission: ${message}`, 'ECS_ADMISSION_CONFIGURATION');
  }
}

module.exports = EcsAdmissionPlugin;
