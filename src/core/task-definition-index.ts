import { taskDefinitionName } from './identity.js';
import type { Resource } from './types.js';
import { peek, peekString } from './unknown.js';

/**
 * Resolves the task definition a service, task set or task names, among resources checked
 * together: by ARN, `family:revision`, family (its highest revision), or, inside one
 * CloudFormation template, `#LogicalId`.
 */
export function indexTaskDefinitions(resources: readonly Resource[]): (ref: string, from: Resource) => Resource<'taskDefinition'> | string {
  const byKey = new Map<string, Resource<'taskDefinition'>>();
  const latest = new Map<string, { revision: number; resource: Resource<'taskDefinition'> }>();
  for (const resource of resources) {
    if (resource.kind !== 'taskDefinition') continue;
    const td = resource as Resource<'taskDefinition'>;
    if (td.origin.logicalId) byKey.set(`${td.origin.source}#${td.origin.logicalId}`, td);
    // Read without throwing: a family that is a CloudFormation `!Ref` only means no family to index by.
    const arn = peekString(td.object, 'taskDefinitionArn');
    if (arn) byKey.set(arn, td);
    const family = peekString(td.object, 'family');
    const rev = peek(td.object, 'revision');
    const revision = typeof rev === 'number' ? rev : undefined;
    if (family && revision !== undefined) byKey.set(`${family}:${revision}`, td);
    if (family && (latest.get(family)?.revision ?? -1) < (revision ?? 0)) latest.set(family, { revision: revision ?? 0, resource: td });
  }
  return (ref, from) => {
    if (ref.startsWith('#')) {
      return byKey.get(`${from.origin.source}${ref}`) ?? `task definition ${ref.slice(1)} is not a resource of this template`;
    }
    const short = taskDefinitionName(ref);
    const found = byKey.get(ref) ?? byKey.get(short) ?? (short.includes(':') ? undefined : latest.get(short)?.resource);
    return found ?? `task definition ${short} is not among the inputs: pass its file too to check it`;
  };
}
