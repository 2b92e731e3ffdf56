import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';

/** The circuit breaker exists only for the rolling updates of the ECS deployment controller. */
const OTHER_CONTROLLERS = new Set(['CODE_DEPLOY', 'EXTERNAL']);

export default defineRule({
  id: 'require-deployment-circuit-breaker',
  title: 'Require the deployment circuit breaker',
  description:
    'Fails when a service using the ECS deployment controller does not set `deploymentConfiguration.deploymentCircuitBreaker.enable` to `true`. Services deployed by CodeDeploy or an external controller are skipped.',
  rationale:
    'Without the circuit breaker, a deployment whose tasks never become healthy keeps launching and stopping tasks indefinitely; with it (and `rollback`), ECS stops the failed deployment and returns the service to the last revision that worked, including after a rollback this tool asks for.',
  remediation: 'Set `deploymentConfiguration.deploymentCircuitBreaker` to `{ "enable": true, "rollback": true }` on the service.',
  severity: 'low',
  recommended: 'off',
  references: [{ title: 'Amazon ECS Developer Guide: how the Amazon ECS deployment circuit breaker detects failures' }],
  appliesTo: ['service'],
  options: z.strictObject({}),
  notApplicable(service) {
    const type = service.deploymentController?.type;
    return type !== undefined && OTHER_CONTROLLERS.has(type) ? `deployment controller is ${type}` : undefined;
  },
  check(service, { report }) {
    if (service.deploymentConfiguration?.deploymentCircuitBreaker?.enable === true) return;
    report({
      path: 'deploymentConfiguration.deploymentCircuitBreaker.enable',
      message: 'Service does not enable the deployment circuit breaker.',
    });
  },
});
