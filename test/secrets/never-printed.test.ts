/**
 * Nothing secret is ever printed. Generated documents put a secret (fake ones from the labelled
 * corpus, and generated tokens) in the places secrets end up: environment values, commands,
 * entry points, docker labels, log options, health checks, `secrets`; CloudFormation `!Sub` and
 * `!Join` literals, `Fn::If` branches, `NoEcho` parameters; wrong types and duplicate keys that
 * make error messages; a container name or user that is itself a token. Every output is then
 * searched for the secret: `check` in text (verbose), JSON and SARIF with a policy whose CEL
 * rules quote environment values and fail on them; the Lambda's logs, alerts and tags; the
 * sweep's HTML report and digest.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryBudget, memoryLedger } from '../../src/adapters/memory-ledger.js';
import { buildAlert } from '../../src/render/alert/index.js';
import type { TaskDefinitionState } from '../../src/admission/ports.js';
import { OUTPUT_FORMATS } from '../../src/cli/formats/index.js';
import { main } from '../../src/cli/main.js';
import { loadPolicies } from '../../src/adapters/policy-files.js';
import { detectSecret } from '../../src/core/secrets/detect.js';
import type { ContainerDefinition } from '../../src/core/types.js';
import { readConfig } from '../../src/lambda/config.js';
import { createHandler } from '../../src/lambda/handler.js';
import { createPolicyEngine } from '../../src/policy/engine.js';
import { builtinRules } from '../../src/rules/index.js';
import { buildDigest, digestMessage } from '../../src/render/digest/index.js';
import { renderHtmlReport } from '../../src/render/html/report.js';
import { sweep } from '../../src/use-cases/sweep.js';
import type { EcsInventory } from '../../src/sweep/types.js';
import { eventBridgeEvent } from '../helpers/cloudtrail.js';
import { ACCOUNT, FakeAlerts, FakeEcs, REGION } from '../helpers/fake-ecs.js';
import { compiledPolicies } from '../helpers/compiled-policies.js';
import { captureLambdaOutput } from '../helpers/lambda-output.js';

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-never-printed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A policy whose custom rules do what a careless author would: quote environment values and
// commands in their messages, and convert them in ways that fail (the error quotes its input).
const PROBE_POLICY = join(dir, 'leak-probe.yaml');
writeFileSync(
  PROBE_POLICY,
  `apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: leak-probe }
spec:
  mode: enforce
  extends: [recommended]
  rules:
    no-secrets-in-environment: deny
  customRules:
    - id: echo-environment
      appliesTo: [taskDefinition]
      expression: "object.containerDefinitions.all(c, !has(c.environment) || c.environment.size() == 0)"
      messageExpression: "'environment: ' + object.containerDefinitions.map(c, has(c.environment) ? c.environment.map(e, e.name + '=' + e.value).join(',') : '').join(';')"
      severity: high
      action: deny
    - id: echo-command
      appliesTo: [taskDefinition]
      expression: "false"
      messageExpression: "object.containerDefinitions.map(c, (has(c.command) ? c.command.join(' ') : '') + (has(c.entryPoint) ? c.entryPoint.join(' ') : '') + (has(c.dockerLabels) ? c.dockerLabels.map(k, c.dockerLabels[k]).join(' ') : '')).join(';')"
      severity: low
      action: flag
    - id: convert-environment
      appliesTo: [taskDefinition]
      expression: "object.containerDefinitions.all(c, !has(c.environment) || c.environment.all(e, int(e.value) >= 0))"
      message: never shown
      severity: low
      action: deny
`,
);

const corpus = readFileSync(join(import.meta.dirname, '../fixtures/secrets/secrets.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { value: string }).value);

/** A fake secret: one of the labelled corpus, or a generated token or password. */
const secretArb = fc.oneof(
  fc.constantFrom(...corpus),
  fc.stringMatching(/^ghp_[A-Za-z0-9]{36}$/),
  fc.stringMatching(/^[A-Za-z0-9+/]{40}$/).filter((s) => /\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)),
  fc.string({ unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+=?@'), minLength: 10, maxLength: 30 }),
);

/** Sensitive fields: any value there is masked. */
const API_PLACES = ['environment', 'command', 'entryPoint', 'dockerLabels', 'secretValueFrom', 'logOptions', 'healthCheck', 'overrideEnvironmentType'] as const;
/** Fields printed as data (a name, a user, an image): only what the detector recognizes is masked there. */
const DETECTED_PLACES = ['containerName', 'user', 'image', 'privilegedWrongType', 'duplicateLabelKey'] as const;
const CFN_PLACES = ['subLiteral', 'joinLiteral', 'noEchoDefault', 'ifBranch', 'subImage'] as const;

function apiTaskDefinition(secret: string, place: string): { text: string; containers: ContainerDefinition[] } {
  const container: Record<string, unknown> = { name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', essential: true };
  switch (place) {
    case 'environment':
      container.environment = [
        { name: 'SETTING', value: secret },
        { name: 'DB_PASSWORD', value: secret },
      ];
      break;
    case 'command':
      container.command = ['sh', '-c', `curl -H "Authorization: ${secret}" https://api.example.com`];
      break;
    case 'entryPoint':
      container.entryPoint = ['/bin/run', `--token=${secret}`];
      break;
    case 'dockerLabels':
      container.dockerLabels = { 'com.example.key': secret };
      break;
    case 'secretValueFrom':
      container.secrets = [{ name: 'KEY', valueFrom: secret }];
      break;
    case 'logOptions':
      container.logConfiguration = { logDriver: 'splunk', options: { 'splunk-token': secret, 'splunk-url': 'https://splunk.example.com' } };
      break;
    case 'healthCheck':
      container.healthCheck = { command: ['CMD-SHELL', `curl -u admin:${secret} http://localhost/health`] };
      break;
    case 'overrideEnvironmentType':
      // The wrong type: an object where a list is expected. The error must not print it.
      container.environment = { SETTING: secret };
      break;
    case 'containerName':
      container.name = secret;
      break;
    case 'user':
      container.user = secret;
      break;
    case 'image':
      container.image = `registry.example.com/app:${secret}`;
      break;
    case 'privilegedWrongType':
      container.privileged = secret;
      break;
    case 'duplicateLabelKey':
      return {
        text: `{"family":"web","containerDefinitions":[{"name":"app","image":"x","dockerLabels":{${JSON.stringify(secret)}:"a",${JSON.stringify(secret)}:"b"}}]}`,
        containers: [],
      };
  }
  return {
    text: JSON.stringify({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], containerDefinitions: [container] }),
    containers: [container],
  };
}

function cloudFormation(secret: string, place: string): string {
  const quoted = JSON.stringify(secret);
  const container = (extra: string): string => `        - Name: app\n          Image: public.ecr.aws/nginx/nginx:1.27\n${extra}`;
  const parameters = `Parameters:\n  Suffix: { Type: String }\n  Host: { Type: String }\n  DbPassword: { Type: String, NoEcho: true, Default: ${quoted} }\nConditions:\n  IsProd: !Equals [!Ref Suffix, prod]\n`;
  const env = {
    subLiteral: `          Environment:\n            - Name: TOKEN\n              Value: !Sub ${JSON.stringify(`${secret}\${Suffix}`)}\n            - Name: SETTING\n              Value: !Sub ${JSON.stringify(`x-${secret}-\${Suffix}`)}\n`,
    joinLiteral: `          Environment:\n            - Name: DATABASE_URL\n              Value: !Join ['', ['postgres://app:', ${quoted}, '@', !Ref Host, '/db']]\n`,
    noEchoDefault: `          Environment:\n            - Name: DB_PASSWORD\n              Value: !Ref DbPassword\n`,
    ifBranch: `          Environment: !If\n            - IsProd\n            - [{ Name: SETTING, Value: ${quoted} }]\n            - [{ Name: OTHER, Value: !Sub ${JSON.stringify(`${secret}\${Suffix}`)} }]\n          Privileged: !If [IsProd, true, ${quoted}]\n`,
    subImage: `          User: !Sub ${JSON.stringify(`\${Suffix}${secret}`)}\n`,
  }[place]!;
  return `${parameters}Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: !Ref Suffix\n      ContainerDefinitions:\n${container(env)}`;
}

/** The secret as each output may carry it: raw, JSON-escaped, HTML-escaped. */
const forms = (secret: string): string[] => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
];
/** A value masked in a field may still show where it is legitimately data (a short word): only secrets of some length are looked for. */
const expectAbsent = (output: string, secret: string, where: string): void => {
  for (const form of forms(secret)) expect(output.includes(form), `${where} prints the secret ${JSON.stringify(secret)}`).toBe(false);
};

async function checkOutputs(file: string): Promise<string> {
  let output = '';
  const io = { stdout: (t: string) => void (output += t), stderr: (t: string) => void (output += t), isTTY: false, env: {}, cwd: dir };
  // Every format of the registry: a new one is held to this as soon as it exists.
  for (const format of Object.keys(OUTPUT_FORMATS)) {
    await main(['check', file, '--format', format, '--policy', PROBE_POLICY, '--verbose', '--fail-on', 'none'], io);
  }
  return output;
}

describe('nothing secret is ever printed', () => {
  it('check, in every format, on API documents with secrets in sensitive fields, or as data the detector recognizes', async () => {
    const places = fc.oneof(fc.constantFrom(...API_PLACES), fc.constantFrom(...DETECTED_PLACES));
    await fc.assert(
      fc.asyncProperty(secretArb, places, async (secret, place) => {
        fc.pre(!(DETECTED_PLACES as readonly string[]).includes(place) || detectSecret(secret) !== undefined);
        const file = join(dir, 'td.json');
        writeFileSync(file, apiTaskDefinition(secret, place).text);
        expectAbsent(await checkOutputs(file), secret, `check (${place})`);
      }),
      { numRuns: 120 },
    );
  });

  it('check, in every format, on CloudFormation: intrinsics, conditions and NoEcho parameters', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, fc.constantFrom(...CFN_PLACES), async (secret, place) => {
        fc.pre(place !== 'subImage' || detectSecret(secret) !== undefined);
        // YAML needs the secret on one line; the corpus's multi-line keys are covered in JSON.
        fc.pre(!/[\n\r]/.test(secret));
        const file = join(dir, 'stack.yaml');
        writeFileSync(file, cloudFormation(secret, place));
        expectAbsent(await checkOutputs(file), secret, `check (${place})`);
      }),
      { numRuns: 80 },
    );
  });

  const lambdaOutput = captureLambdaOutput();
  const CONTEXT = {
    functionName: 'ecs-admission',
    awsRequestId: 'req-1',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:ecs-admission',
    memoryLimitInMB: '256',
    functionVersion: '$LATEST',
  } as Context;

  it('the Lambda: its logs, alerts and the tags it writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        fc.constantFrom(...API_PLACES.filter((p) => p !== 'overrideEnvironmentType'), 'containerName', 'user', 'image'),
        async (secret, place) => {
          fc.pre(!['containerName', 'user', 'image'].includes(place) || detectSecret(secret) !== undefined);
          const ecs = new FakeEcs();
          const alerts = new FakeAlerts();
          const config = readConfig({ ECS_ADMISSION_MODE: 'enforce', ECS_ADMISSION_POLICIES: await compiledPolicies(PROBE_POLICY) });
          const handler = createHandler(config, {
            ecs,
            alerts,
            budget: memoryBudget(config.budget),
            ledger: memoryLedger(),
            logger: new Logger({ serviceName: 'ecs-admission', logLevel: 'DEBUG' }),
            metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
            now: () => new Date('2026-12-02T12:00:00Z'),
          });
          const arn = ecs.register('web', apiTaskDefinition(secret, place).containers);
          const event = eventBridgeEvent({
            eventName: 'RegisterTaskDefinition',
            recipientAccountId: ACCOUNT,
            awsRegion: REGION,
            requestParameters: { family: 'web' },
            responseElements: { taskDefinition: { taskDefinitionArn: arn } },
          });
          await handler(event, CONTEXT);
          expectAbsent(lambdaOutput.text(), secret, `Lambda logs (${place})`);
          // The alerts as SNS carries them, in both formats.
          const rendered = alerts.published.map((d) => JSON.stringify([buildAlert(d, 'json'), buildAlert(d, 'chatbot')])).join('\n');
          expect(alerts.published.length).toBeGreaterThan(0);
          expectAbsent(JSON.stringify(alerts.published) + rendered, secret, `alerts (${place})`);
          expectAbsent(ecs.writes.join('\n'), secret, `tags (${place})`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the sweep: its HTML report and its digest', async () => {
    const { policies } = await loadPolicies([PROBE_POLICY], builtinRules, new Date('2026-12-02T12:00:00Z'));
    await fc.assert(
      fc.asyncProperty(secretArb, fc.constantFrom(...API_PLACES.filter((p) => p !== 'overrideEnvironmentType')), async (secret, place) => {
        const td: TaskDefinitionState = {
          taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:1`,
          family: 'web',
          revision: 1,
          status: 'ACTIVE',
          containerDefinitions: apiTaskDefinition(secret, place).containers,
        };
        const inventory: EcsInventory = {
          listClusters: () => Promise.resolve([]),
          listServices: () => Promise.resolve([]),
          describeServices: () => Promise.resolve([]),
          listTasks: () => Promise.resolve([]),
          describeTasks: () => Promise.resolve([]),
          describeTaskDefinition: () => Promise.resolve(structuredClone(td)),
          listActiveTaskDefinitions: () => Promise.resolve([td.taskDefinitionArn!]),
          listActiveRevisions: () => Promise.resolve([td.taskDefinitionArn!]),
          describeService: () => Promise.resolve(undefined),
          describeTaskSet: () => Promise.resolve(undefined),
        };
        const report = await sweep([{ account: ACCOUNT, region: REGION, open: () => Promise.resolve(inventory) }], {
          allRevisions: true,
          concurrency: 2,
          parallelTargets: 1,
          ownerTags: ['Owner'],
          makeEvaluate: (resolveTaskDefinition) => createPolicyEngine(policies, { now: new Date('2026-12-02T12:00:00Z'), resolveTaskDefinition }).evaluate,
          policies: ['leak-probe'],
          now: () => new Date('2026-12-02T12:00:00Z'),
        });
        expect(report.resources.length).toBe(1);
        expectAbsent(renderHtmlReport(report), secret, `HTML report (${place})`);
        const { digest } = buildDigest(report, { account: ACCOUNT, regions: [REGION], format: 'json' });
        expectAbsent(JSON.stringify(digestMessage(digest, 'json')) + JSON.stringify(digestMessage(digest, 'chatbot')), secret, `digest (${place})`);
      }),
      { numRuns: 30 },
    );
  });
});
