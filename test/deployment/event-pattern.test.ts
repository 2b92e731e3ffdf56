// The CloudTrail events the admission handles, listed in one place each: the EventBridge pattern
// (serverless.yml, and any pattern under deploy/), HANDLED_EVENTS (src/input/api.ts), the calls the
// admission event parser reads (src/admission/event.ts), the offline CloudTrail reader
// (src/input/normalize.ts), the sample events (docs/events/) and the docs must all name the same
// calls: adding one in one place and forgetting another fails here (see CONTRIBUTING.md, "A CloudTrail
// event").
//
// Then the packaged rule's EventPattern runs in moto's EventBridge: sample CloudTrail events go in,
// and an SQS queue standing in for the Lambda shows which ones the rule lets through. (The pattern
// is what matters; the rule here lives on a bus of its own, see below.)
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAdmissionEvent } from '../../src/admission/event.js';
import { HANDLED_EVENTS } from '../../src/input/api.js';
import { loadResources } from '../../src/input/load.js';
import { parseDocuments } from '../../src/input/parse.js';
import { root as repo } from '../helpers/cli.js';
import { cloudTrailRecord } from '../helpers/cloudtrail.js';
import { doc, docSection } from '../helpers/docs.js';
import { awsClientConfig, describeWithMoto, uniqueName } from '../helpers/moto.js';
import { packageService } from '../helpers/serverless-package.js';

const ACCOUNT = '123456789012';
// The admission function's role as CloudFormation names it (stack, logical id, a random suffix): what
// `!GetAtt AdmissionRole.Arn` becomes.
const OWN_ROLE_NAME = 'ecs-admission-dev-AdmissionRole-Q2W3E4R5T6Y7';
const OWN_ROLE = `arn:aws:iam::${ACCOUNT}:role/${OWN_ROLE_NAME}`;

/** A caller that assumed `roleName` (a CI pipeline, a person through SSO, the function itself). */
function assumedRole(roleName: string): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${roleName}-session`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/session`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, accountId: ACCOUNT, userName: roleName },
      attributes: { creationDate: '2026-11-20T09:59:00Z', mfaAuthenticated: 'false' },
    },
  };
}

const iamUser = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLE',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLE',
  userName: 'alice',
};
// An IAM user signed in to the console: a sessionContext, but no sessionIssuer.
const consoleUser = { ...iamUser, sessionContext: { attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'true' } } };
const root = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'ASIAROOT' };

interface SampleEvent {
  source: string;
  detail: Record<string, unknown>;
}

/** An EventBridge event from CloudTrail's record of an ECS call; `eventID` tells the events apart. */
function ecsCall(eventName: string, userIdentity: Record<string, unknown>, extra: Record<string, unknown> = {}): SampleEvent {
  return {
    source: 'aws.ecs',
    detail: cloudTrailRecord({
      eventID: randomUUID(),
      eventName,
      awsRegion: 'us-east-1',
      userIdentity,
      readOnly: eventName.startsWith('Describe') || eventName.startsWith('List'),
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
      requestParameters: {},
      ...extra,
    }),
  };
}

const handled = [...HANDLED_EVENTS].sort();

/** The `detail.eventName` lists of every EventBridge pattern in a deployment file, by where they are. */
function patternEventNames(file: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const names = (child as { detail?: { eventName?: unknown } } | null)?.detail?.eventName;
      if ((key === 'pattern' || key === 'EventPattern') && Array.isArray(names)) found.set(`${file} ${path}.${key}`, names.map(String));
      walk(child, `${path}.${key}`);
    }
  };
  for (const document of parseDocuments(readFileSync(join(repo, file), 'utf8'), file)) walk(document.value, '');
  return found;
}

const deploymentFiles = [
  'serverless.yml',
  ...readdirSync(join(repo, 'deploy'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `deploy/${f}`),
];
const SAMPLES = join(repo, 'docs/events');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, text: readFileSync(join(SAMPLES, f), 'utf8') }))
  .map(({ file, text }) => ({ file, text, event: JSON.parse(text) as { detail: { eventName: string } } }));

describe('one list of handled CloudTrail events', () => {
  it('is the list of every EventBridge pattern of the deployment', () => {
    const patterns = new Map(deploymentFiles.flatMap((file) => [...patternEventNames(file)]));
    expect(patterns.size).toBeGreaterThanOrEqual(1);
    for (const [where, names] of patterns) expect([...names].sort(), where).toEqual(handled);
  });

  it('is the list of calls the admission event parser turns into requests (src/admission/event.ts)', () => {
    const cases = [...readFileSync(join(repo, 'src/admission/event.ts'), 'utf8').matchAll(/case '([A-Z][A-Za-z]+)':/g)].map((m) => m[1]!);
    expect([...new Set(cases)].sort()).toEqual(handled);
  });

  it('has a sample event per handled call, each one a request the Lambda judges', () => {
    expect(samples.map((s) => s.event.detail.eventName).sort()).toEqual([...HANDLED_EVENTS].sort());
    for (const { file, event } of samples) expect(parseAdmissionEvent(event), file).not.toHaveProperty('ignored');
  });

  it('reads each sample offline too, as `check` does, into a resource with its call', () => {
    for (const { file, text, event } of samples) {
      const resources = loadResources(text, file);
      expect(resources.length, file).toBeGreaterThanOrEqual(1);
      for (const resource of resources) expect(resource.request?.eventName, file).toBe(event.detail.eventName);
    }
  });

  it('is named in the docs that list the watched calls', () => {
    for (const text of [docSection('README.md', '## Deploy in five steps'), doc('docs/inputs.md'), doc('docs/lambda.md'), doc('docs/rules.md')]) {
      expect(handled.filter((name) => !text.includes(`\`${name}\``))).toEqual([]);
    }
  });
});

describeWithMoto('the packaged EventBridge rule', () => {
  let pattern: string;

  beforeAll(async () => {
    // The admission's rule: the one with a pattern (the scheduled sweep's rule has a schedule).
    const rules = Object.values((await packageService()).template.Resources).filter(
      (r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern !== undefined,
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    let replaced = 0;
    // The only intrinsic in the pattern is the role ARN; CloudFormation resolves it on deploy.
    pattern = JSON.stringify(rule.Properties.EventPattern, (_key, value: unknown) => {
      if (JSON.stringify(value) === JSON.stringify({ 'Fn::GetAtt': ['AdmissionRole', 'Arn'] })) {
        replaced++;
        return OWN_ROLE;
      }
      return value;
    });
    expect(replaced).toBe(1);
    expect(pattern).not.toMatch(/Fn::|"Ref"/);
  }, 120_000);

  const events = new EventBridgeClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  // One rule for the file, on a bus of its own: other test files share the moto server, and their
  // rules on the default bus must not receive these events (nor theirs reach this rule). moto's
  // PutEvents also slows down with every matching rule, so there is one, not one per test.
  const name = uniqueName('admission-rule');
  let queueUrl: string;

  beforeAll(async () => {
    await events.send(new CreateEventBusCommand({ Name: name }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    queueUrl = queue.QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: pattern, State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn }] }));
  });

  afterAll(async () => {
    await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: name, Ids: ['queue'] }));
    await events.send(new DeleteRuleCommand({ Name: name, EventBusName: name }));
    await events.send(new DeleteEventBusCommand({ Name: name }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  });

  /** Event ids of the events received from the queue now. */
  async function receive(waitSeconds: number): Promise<string[]> {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }));
    const ids: string[] = [];
    for (const m of Messages ?? []) {
      ids.push((JSON.parse(m.Body!) as { detail: { eventID: string } }).detail.eventID);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    return ids;
  }

  /**
   * Puts `event` followed by a call the rule must match, waits for the latter, and tells whether
   * `event` arrived too. The control event makes "did not arrive" mean something.
   */
  async function passes(event: SampleEvent): Promise<boolean> {
    const control = ecsCall('RegisterTaskDefinition', assumedRole('deployer'));
    const put = await events.send(
      new PutEventsCommand({
        Entries: [event, control].map((e) => ({
          EventBusName: name,
          Source: e.source,
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    expect(put.FailedEntryCount).toBe(0);

    const arrived = new Set<string>();
    for (let attempt = 0; attempt < 10 && !arrived.has(String(control.detail.eventID)); attempt++) {
      for (const id of await receive(attempt ? 1 : 0)) arrived.add(id);
    }
    expect(arrived.has(String(control.detail.eventID)), 'the control event never arrived').toBe(true);
    // Both were put in one call and are delivered before it returns; one more look for a straggler.
    for (const id of await receive(0)) arrived.add(id);
    return arrived.has(String(event.detail.eventID));
  }

  it.each([...HANDLED_EVENTS])('lets through %s by an assumed role', async (eventName) => {
    expect(await passes(ecsCall(eventName, assumedRole('deployer')))).toBe(true);
  });

  it("lets through an IAM user's call (no sessionContext)", async () => {
    expect(await passes(ecsCall('CreateService', iamUser))).toBe(true);
  });

  it("lets through a console IAM user's call (sessionContext without a sessionIssuer)", async () => {
    expect(await passes(ecsCall('RegisterTaskDefinition', consoleUser))).toBe(true);
  });

  it("lets through the root user's call", async () => {
    expect(await passes(ecsCall('RunTask', root))).toBe(true);
  });

  it("lets through a role whose ARN only starts like the function's own", async () => {
    expect(await passes(ecsCall('UpdateService', assumedRole(`${OWN_ROLE_NAME}-other`)))).toBe(true);
  });

  it("stops the function's own UpdateService (no enforcement loop)", async () => {
    expect(await passes(ecsCall('UpdateService', assumedRole(OWN_ROLE_NAME)))).toBe(false);
  });

  it('stops a failed call', async () => {
    const denied = ecsCall('RegisterTaskDefinition', assumedRole('deployer'), {
      errorCode: 'AccessDenied',
      errorMessage: 'User is not authorized to perform: ecs:RegisterTaskDefinition with an explicit deny in a service control policy',
    });
    expect(await passes(denied)).toBe(false);
  });

  it('stops a read-only call', async () => {
    expect(await passes(ecsCall('DescribeServices', assumedRole('deployer')))).toBe(false);
  });

  it('stops a write call that creates or changes no workload', async () => {
    expect(await passes(ecsCall('DeleteService', assumedRole('deployer')))).toBe(false);
  });

  it("stops another service's call", async () => {
    const iamCall = ecsCall('CreateRole', assumedRole('deployer'), { eventSource: 'iam.amazonaws.com' });
    expect(await passes({ ...iamCall, source: 'aws.iam' })).toBe(false);
  });
});
