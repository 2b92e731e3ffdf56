/**
 * The admission use case over in-memory AWS, for unit tests: a policy (recommended rules, in the
 * given mode), the fakes of test/helpers/fake-ecs.ts, a memory ledger and budget, a fixed clock.
 */
import { expect } from 'vitest';
import type { AdmitDependencies } from '../../src/use-cases/admit.js';
import { parseAdmissionEvent } from '../../src/admission/event.js';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { memoryBudget, memoryLedger } from '../../src/adapters/memory-ledger.js';
import { compilePolicies, createPolicyEngine } from '../../src/policy/engine.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import { eventBridgeEvent } from './cloudtrail.js';
import { ACCOUNT, FakeAlerts, FakeEcs, REGION } from './fake-ecs.js';

export const NOW = new Date('2026-11-23T12:00:00Z');
/** The ledger key of the records `requestOf` builds: the account and cloudTrailRecord's eventID. */
export const KEY = `${ACCOUNT}:3e5e1c56-0000-4000-8000-000000000001`;

export const GOOD = {
  name: 'app',
  image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:' + 'a'.repeat(64),
  user: '1000',
  readonlyRootFilesystem: true,
  logConfiguration: { logDriver: 'awslogs' },
};
export const PRIVILEGED = { ...GOOD, privileged: true };

const policy = (mode: 'audit' | 'enforce', extra: string) => `
apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: prod }
spec:
  mode: ${mode}
  extends: [recommended]
${extra}`;

export interface World {
  ecs: FakeEcs;
  alerts: FakeAlerts;
  ledger: ReturnType<typeof memoryLedger>;
  budget: ReturnType<typeof memoryBudget>;
}

export const BUDGET = { actions: 20, windowSeconds: 300 };

export function world(options: { channels?: readonly string[]; budget?: typeof BUDGET } = {}): World {
  return { ecs: new FakeEcs(), alerts: new FakeAlerts(options.channels), ledger: memoryLedger(), budget: memoryBudget(options.budget ?? BUDGET) };
}

export interface DepsOptions {
  settings?: Partial<AdmitDependencies['settings']>;
  forceAudit?: boolean;
  /** Extra policy YAML under `spec:` (custom rules, onError…). */
  spec?: string;
  invocation?: Partial<AdmitDependencies['invocation']>;
  now?: () => number;
}

export function admissionDeps(w: World, mode: 'audit' | 'enforce', options: DepsOptions = {}): AdmitDependencies {
  const parsed = parsePolicyFile(policy(mode, options.spec ?? ''), 'prod.yaml');
  expect(parsed.errors).toEqual([]);
  const { policies, errors } = compilePolicies(parsed.policies, { builtinRules, readExtended: () => [], now: NOW, compileCustomRule: compileCustomRuleSync() });
  expect(errors).toEqual([]);
  return {
    ecs: w.ecs,
    alerts: w.alerts,
    ledger: w.ledger,
    budget: w.budget,
    makeEvaluate: (resolveTaskDefinition) =>
      createPolicyEngine(policies, { now: NOW, forceAudit: options.forceAudit ?? false, resolveTaskDefinition }).evaluate,
    settings: { maxActions: 10, budget: BUDGET, ownerTags: ['Owner', 'team'], ...options.settings },
    invocation: { id: 'invocation-1', deadline: NOW.getTime() + 30_000, ...options.invocation },
    now: options.now ?? (() => NOW.getTime()),
  };
}

let celCompiler: typeof import('../../src/policy/custom-rule.js').compileCustomRule | undefined;
/** The CEL compiler, loaded once by `loadCelCompiler()` in a beforeAll of the files that need it. */
const compileCustomRuleSync = () => celCompiler;
export async function loadCelCompiler(): Promise<void> {
  celCompiler = (await import('../../src/policy/custom-rule.js')).compileCustomRule;
}

/** An admission request from a CloudTrail record of this account and Region. */
export function requestOf(detail: Record<string, unknown>, id = 'evt-1'): AdmissionRequest {
  const parsed = parseAdmissionEvent(eventBridgeEvent({ recipientAccountId: ACCOUNT, awsRegion: REGION, ...detail }, id));
  if ('ignored' in parsed) throw new Error(parsed.reason);
  return parsed;
}

export const registered = (arn: string, id?: string) =>
  requestOf({ eventName: 'RegisterTaskDefinition', requestParameters: { family: 'x' }, responseElements: { taskDefinition: { taskDefinitionArn: arn } } }, id);
export const serviceUpdated = (service: string) => requestOf({ eventName: 'UpdateService', requestParameters: { cluster: 'prod', service } });
export const ran = (tasks: string[]) =>
  requestOf({ eventName: 'RunTask', requestParameters: { cluster: 'prod' }, responseElements: { tasks: tasks.map((taskArn) => ({ taskArn })) } });
