// Where a daemon on a denied daemon task definition, and an Express service whose new
// configuration is denied, go back to: as for a service (./rollback.ts), never to something a
// deny rule fails; when nothing qualifies, the resource is flagged and the alert says why.
import type { Evaluate } from '../core/evaluate.js';
import type { ResourceKind } from '../core/types.js';
import { resourceFromApi } from '../input/api.js';
import { familyOf } from '../core/identity.js';
import { omit } from '../core/omit.js';
import type { DaemonExpressReader, DaemonState, ExpressServiceState } from './ports.js';
import type { AdmissionRequest } from './types.js';

/** How many daemon task definitions are considered as a rollback target before giving up. */
const ROLLBACK_CANDIDATES = 25;

type RequestFacts = Pick<AdmissionRequest, 'eventId' | 'account' | 'region' | 'organizationalUnits'>;
export type RollbackTarget = { to: string } | { none: string };

const infoOf = (request: RequestFacts) => ({
  eventId: request.eventId,
  account: request.account,
  region: request.region,
  ...(request.organizationalUnits ? { organizationalUnits: request.organizationalUnits } : {}),
});

const passesDeny = (evaluate: Evaluate, kind: ResourceKind, object: object, request: RequestFacts): boolean =>
  !evaluate(resourceFromApi(kind, object as never, infoOf(request))).findings.some((f) => !f.exception && f.action === 'deny');

/**
 * The daemon task definition to put a daemon back on: the one of its other current revision (a
 * deployment in progress), else the newest ACTIVE one of the family that passes every deny rule.
 */
export async function daemonRollbackTarget(daemon: DaemonState, request: RequestFacts, ecs: DaemonExpressReader, evaluate: Evaluate): Promise<RollbackTarget> {
  const current = daemon.daemonTaskDefinitionArn;
  if (!current) return { none: 'the daemon names no daemon task definition' };
  const family = familyOf(current);
  const listed = await ecs.listActiveDaemonTaskDefinitions(family, ROLLBACK_CANDIDATES);
  const candidates = [...new Set([...(daemon.previousTaskDefinitions ?? []), ...listed])].filter((c) => c !== current).slice(0, ROLLBACK_CANDIDATES);
  let checked = 0;
  for (const candidate of candidates) {
    const td = await ecs.describeDaemonTaskDefinition(candidate);
    if (!td || td.status !== 'ACTIVE') continue;
    checked++;
    if (passesDeny(evaluate, 'daemonTaskDefinition', td, request)) return { to: td.daemonTaskDefinitionArn ?? candidate };
  }
  return {
    none:
      checked === 0
        ? `${family} has no other ACTIVE daemon task definition`
        : `none of the ${checked} other ACTIVE daemon task definitions of ${family} passes the deny rules`,
  };
}

/**
 * The configuration to put an Express service back on. ECS lists a service's active
 * configurations only: the previous one is there while the deployment that replaces it runs, and
 * gone once it is over (there is no other API to read an older one). It must pass every deny rule.
 */
export function expressRollbackTarget(service: ExpressServiceState, request: RequestFacts, evaluate: Evaluate): RollbackTarget {
  const [, ...previous] = service.configurations ?? [];
  if (previous.length === 0) return { none: 'ECS lists no previous active configuration of it (a new service, or the deployment is over)' };
  // The service's own fields, then the configuration's: nothing of the newest configuration leaks in.
  const { serviceArn, serviceName, cluster, infrastructureRoleArn, tags } = service;
  const fields = { serviceArn, serviceName, cluster, infrastructureRoleArn, tags };
  for (const configuration of previous) {
    const { serviceRevisionArn } = configuration;
    const content = omit(configuration, ['serviceRevisionArn', 'createdAt']);
    if (!serviceRevisionArn) continue;
    if (passesDeny(evaluate, 'expressService', { ...fields, ...content }, request)) return { to: serviceRevisionArn };
  }
  return { none: `none of its ${previous.length} previous active configuration(s) passes the deny rules` };
}
