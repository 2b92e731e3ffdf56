import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { CannotDecideError } from '../core/unknown.js';

const options = z.strictObject({
  /** Tag keys every task definition must carry; compared exactly, as AWS tag keys are case-sensitive. */
  keys: z._default(z.array(z.string().check(z.minLength(1))), []),
});

export default defineRule({
  id: 'require-tags',
  title: 'Require tags on task definitions',
  description:
    'Fails for each tag key in the option `keys` that the task definition does not carry. `keys` is empty by default, so the rule passes until it is configured.',
  rationale:
    'Tags tie a task definition to an owner, a cost center and an environment; without them, findings cannot be routed to the team that can fix them, costs cannot be allocated, and tag-based IAM conditions cannot apply.',
  remediation:
    'Add the missing keys to `tags` when registering the task definition (`--tags key=Owner,value=...` or `Tags` in CloudFormation), and set `propagateTags` on services so the tasks inherit them.',
  severity: 'low',
  recommended: 'off',
  references: [{ title: 'AWS Security Hub ECS.15', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-15' }],
  appliesTo: ['taskDefinition'],
  options,
  check(td, { options, report }) {
    if (options.keys.length === 0) return;
    const present = new Set<string>();
    let unknownKey: CannotDecideError | undefined;
    for (const tag of td.tags ?? []) {
      try {
        if (tag.key !== undefined) present.add(tag.key);
      } catch (error) {
        if (!(error instanceof CannotDecideError)) throw error;
        unknownKey ??= error;
      }
    }
    const missing = options.keys.filter((key) => !present.has(key));
    // A key unknown offline (`Key: !Ref TagKey`) may be any of the missing ones.
    if (missing.length > 0 && unknownKey) throw unknownKey;
    for (const key of missing) report({ path: 'tags', message: `Task definition lacks required tag "${key}".` });
  },
});
