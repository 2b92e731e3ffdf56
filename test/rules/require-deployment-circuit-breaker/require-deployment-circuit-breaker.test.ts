import rule from '../../../src/rules/require-deployment-circuit-breaker.js';
import { testRule } from '../../helpers/rule-tester.js';

const disabled = {
  path: 'deploymentConfiguration.deploymentCircuitBreaker.enable',
  message: 'Service does not enable the deployment circuit breaker.',
};

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // No deploymentConfiguration at all.
    'fail/cloudtrail-create-service-no-deployment-configuration.json': [disabled],
    // Both services have `enable: false`.
    'fail/describe-services-two-services-breaker-disabled.json': [disabled, disabled],
    // deploymentConfiguration without deploymentCircuitBreaker.
    'fail/update-service-output-no-breaker.json': [disabled],
  },
  skip: {
    'skip/create-service-external-controller.json': 'deployment controller is EXTERNAL',
    'skip/describe-services-code-deploy.json': 'deployment controller is CODE_DEPLOY',
  },
});
