import { taskDefinitionName } from './identity.js';
import type { Resource } from './types.js';
import { peek, peekString } from './unknown.js';

/** What a workload runs: a task definition, or for a daemon a daemon task definition. */
export type RunnableKind = 'taskDefinition' | 'daemonTaskDefinition';

/**
 * Resolves the task definition a service, task set, task or Express service names (a daemon: its
 * daemon task definition), among resources checked together: by ARN, `family:revision`, family
 * (its highest revision), or, inside one CloudFormation template or Terraform plan or module
 * (`origin.scope`), `#LogicalId` or `#address`. Task definitions and daemon task definitions are
 * separate namespaces: a daemon's `agent:2` is never a task definition's `agent:2`.
 */
export function indexTaskDefinitions(resources: readonly Resource[]): (ref: string, from: Resource) => Resource<RunnableKind> | string {
  const indexes = { taskDefinition: new Index(), daemonTaskDefinition: new Index() };
  for (const resource of resources) {
    if (resource.kind === 'taskDefinition' || resource.kind === 'daemonTaskDefinition') indexes[resource.kind].add(resource as Resource<RunnableKind>);
  }
  return (ref, from) => {
    const kind: RunnableKind = from.kind === 'daemon' ? 'daemonTaskDefinition' : 'taskDefinition';
    const what = kind === 'daemonTaskDefinition' ? 'daemon task definition' : 'task definition';
    const index = indexes[kind];
    if (ref.startsWith('#')) {
      return index.byKey.get(`${from.origin.scope ?? from.origin.source}${ref}`) ?? `${what} ${ref.slice(1)} is not a resource of this template or plan`;
    }
    const short = taskDefinitionName(ref);
    const found = index.byKey.get(ref) ?? index.byKey.get(short) ?? (short.includes(':') ? undefined : index.latest.get(short)?.resource);
    return found ?? `${what} ${short} is not among the inputs: pass its file too to check it`;
  };
}

class Index {
  readonly byKey = new Map<string, Resource<RunnableKind>>();
  readonly latest = new Map<string, { revision: number; resource: Resource<RunnableKind> }>();

  add(td: Resource<RunnableKind>): void {
    if (td.origin.logicalId) this.byKey.set(`${td.origin.scope ?? td.origin.source}#${td.origin.logicalId}`, td);
    // Read without throwing: a family that is a CloudFormation `!Ref` only means no family to index by.
    const arn = peekString(td.object, td.kind === 'daemonTaskDefinition' ? 'daemonTaskDefinitionArn' : 'taskDefinitionArn');
    if (arn) this.byKey.set(arn, td);
    const family = peekString(td.object, 'family');
    const rev = peek(td.object, 'revision');
    const revision = typeof rev === 'number' ? rev : undefined;
    if (family && revision !== undefined) this.byKey.set(`${family}:${revision}`, td);
    if (family && (this.latest.get(family)?.revision ?? -1) < (revision ?? 0)) this.latest.set(family, { revision: revision ?? 0, resource: td });
  }
}
