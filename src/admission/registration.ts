/**
 * Which revision a RegisterTaskDefinition created, when CloudTrail recorded the request but not
 * the response (it omits or truncates large ones). The family's latest revision is not the
 * answer: a clean revision registered a second later would hide a privileged one. The answer is
 * the revision whose content is what was registered, registered when the call was made — or
 * none, and then the call is alerted as unverified, never judged by another revision.
 */
import { addsOnlyDefaults, contains } from './contains.js';
import type { EcsReader, TaskDefinitionState } from './ports.js';

/** How many of the family's newest ACTIVE revisions are compared. */
const CANDIDATES = 10;
/** How far `registeredAt` may be from the CloudTrail record's `eventTime`. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** Fields of the request that are not content: tags are compared by the tag rules, not here. */
const NOT_CONTENT = new Set(['tags']);

/** Whether a described revision holds exactly what the request registered, give or take ECS's defaults. */
export function holdsRegistration(described: TaskDefinitionState, registered: Record<string, unknown>): boolean {
  const content = Object.fromEntries(Object.entries(registered).filter(([field]) => !NOT_CONTENT.has(field)));
  return contains(described, content) && addsOnlyDefaults(described, content);
}

export async function findRegistered(
  target: { family: string; registered?: Record<string, unknown> },
  eventTime: string,
  ecs: EcsReader,
): Promise<{ found: TaskDefinitionState } | { none: string }> {
  const { family, registered } = target;
  if (!registered) return { none: `CloudTrail recorded neither the response nor the request of this RegisterTaskDefinition of ${family}` };
  const at = Date.parse(eventTime);
  const matches: TaskDefinitionState[] = [];
  for (const arn of await ecs.listActiveRevisions(family, CANDIDATES)) {
    const td = await ecs.describeTaskDefinition(arn);
    if (!td || !holdsRegistration(td, registered)) continue;
    const when = td.registeredAt ? new Date(td.registeredAt).getTime() : undefined;
    if (when !== undefined && !Number.isNaN(at) && Math.abs(when - at) > CLOCK_SLACK_MS) continue;
    matches.push(td);
  }
  if (matches.length === 0) return { none: `no ACTIVE revision of ${family} among its newest ${CANDIDATES} holds the registered content` };
  if (matches.length === 1) return { found: matches[0]! };
  // Equal content registered more than once: the one registered closest to the call.
  const timed = matches.filter((td) => td.registeredAt !== undefined);
  if (timed.length === 0 || Number.isNaN(at))
    return { none: `${matches.length} revisions of ${family} hold the registered content and nothing tells which one this call registered` };
  const distance = (td: TaskDefinitionState): number => Math.abs(new Date(td.registeredAt!).getTime() - at);
  return { found: timed.sort((a, b) => distance(a) - distance(b))[0]! };
}
