import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { someMayHold } from './_lib/unknowns.js';
import { containersOf, lacksContainerField } from './_lib/containers.js';

/*
 * Judges the containers that configure a log driver. A container with no log driver at all is
 * require-log-configuration's finding and is not reported here too: there is no
 * `logConfiguration.options` to fix until it has one. When no container configures a log
 * driver, the rule does not apply.
 *
 * An unset `mode` fails: since June 2025 the effective default comes from the account setting
 * `defaultLogDriverMode`, which the task definition does not show and which may be `blocking`.
 */
export default defineRule({
  id: 'require-non-blocking-logs',
  title: 'Require non-blocking log delivery',
  description:
    'Fails when a container that configures a log driver does not set the log option `mode` to `non-blocking` in `logConfiguration.options` (an unset mode fails). Containers without a log driver are left to require-log-configuration.',
  rationale:
    'In blocking mode, a container whose log destination is slow or unreachable stops on its next write to stdout or stderr, so a CloudWatch Logs or FireLens outage becomes an application outage. Non-blocking mode buffers and, at worst, drops log lines instead.',
  remediation:
    'Add `"mode": "non-blocking"` to `logConfiguration.options` of every container, and size the buffer with `max-buffer-size` (for example `25m`) to the log volume.',
  severity: 'low',
  recommended: 'off',
  references: [
    { title: 'Prowler ecs_task_definitions_logging_block_mode' },
    { title: 'Amazon ECS API Reference: LogConfiguration', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html' },
    { title: 'Amazon ECS Developer Guide: Amazon ECS account settings (default log driver mode)' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  notApplicable(_object, resource) {
    const lacks = lacksContainerField(resource.kind, 'logConfiguration');
    if (lacks) return lacks;
    return someMayHold(containersOf(resource), ({ container }) => container.logConfiguration?.logDriver) ? undefined : 'no container configures a log driver';
  },
  check(_object, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      const logConfiguration = container.logConfiguration;
      if (!logConfiguration?.logDriver) return;
      const mode = logConfiguration.options?.mode;
      if (mode === 'non-blocking') return;
      report({
        path: `${path}.logConfiguration.options.mode`,
        container: name,
        message:
          mode === undefined
            ? `${containerLabel(name, path)} leaves log option "mode" unset instead of "non-blocking".`
            : `${containerLabel(name, path)} sets log option "mode" to "${mode}" instead of "non-blocking".`,
      });
    });
  },
});
