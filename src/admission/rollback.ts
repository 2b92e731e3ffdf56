// Where a service whose task definition is denied goes back to: shared by the Lambda (to act) and
// the sweep (to say what enforcement would do).
import type { Evaluate } from '../core/evaluate.js';
import { resourceFromApi } from '../input/api.js';
import type { EcsReader, ServiceState } from './ports.js';
import type { AdmissionRequest } from './types.js';
import { familyOf } from '../core/identity.js';

/** How many older revisions are considered as a rollback target before giving up. */
const ROLLBACK_CANDIDATES = 25;

/**
 * The revision to put a service back on: its previous deployment's, else the newest ACTIVE
 * revision of the family — never one that a deny rule fails.
 */
export async function rollbackTarget(
  service: ServiceState,
  request: Pick<AdmissionRequest, 'eventId' | 'account' | 'region' | 'organizationalUnits'>,
  ecs: EcsReader,
  evaluate: Evaluate,
): Promise<{ to: string } | { none: string }> {
  const current = service.taskDefinition;
  const family = current ? familyOf(current) : undefined;
  if (!family) return { none: 'the service names no task definition' };
  const time = (d: { createdAt?: Date | string }): number => (d.createdAt ? new Date(d.createdAt).getTime() : 0);
  const previous = [...(service.deployments ?? [])].sort((a, b) => time(b) - time(a)).map((d) => d.taskDefinition);
  const candidates = [...new Set([...previous, ...(await ecs.listActiveRevisions(family, ROLLBACK_CANDIDATES))])].filter(
    (c): c is string => !!c && c !== current,
  );
  const info = {
    eventId: request.eventId,
    account: request.account,
    region: request.region,
    ...(request.organizationalUnits ? { organizationalUnits: request.organizationalUnits } : {}),
  };
  let checked = 0;
  for (const candidate of candidates.slice(0, ROLLBACK_CANDIDATES)) {
    const td = await ecs.describeTaskDefinition(candidate);
    if (!td || td.status === 'INACTIVE') continue;
    checked++;
    const result = evaluate(resourceFromApi('taskDefinition', td, info));
    if (!result.findings.some((f) => !f.exception && f.action === 'deny')) return { to: td.taskDefinitionArn ?? candidate };
  }
  return {
    none: checked === 0 ? `${family} has no other ACTIVE revision` : `none of the ${checked} other ACTIVE revisions of ${family} passes the deny rules`,
  };
}
