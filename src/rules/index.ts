import type { Rule } from '../core/rule.js';
import noPrivilegedContainers from './no-privileged-containers.js';
import noPublicIp from './no-public-ip.js';
import requireCompliantTaskDefinition from './require-compliant-task-definition.js';

/** Every built-in rule, sorted by id. A meta-test checks this list against the files and the catalog. */
export const builtinRules: readonly Rule[] = [
  noPrivilegedContainers,
  noPublicIp,
  requireCompliantTaskDefinition,
];

export const ruleById = (id: string): Rule | undefined => builtinRules.find((r) => r.id === id);
