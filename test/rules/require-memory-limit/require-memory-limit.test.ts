import rule from '../../../src/rules/require-memory-limit.js';
import { testRule } from '../../helpers/rule-tester.js';

const noLimit = (index: number, container: string) => ({
  path: `containerDefinitions[${index}].memory`,
  container,
  message: `Container "${container}" has no hard memory limit and the task definition sets no task-level memory.`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // ECS Anywhere; a soft limit (memoryReservation) is not a limit.
    'fail/cloudformation-external-no-memory.yaml': [noLimit(0, 'ingest')],
    // No requiresCompatibilities: EC2.
    'fail/sidecar-memory-reservation-only.json': [noLimit(1, 'exporter')],
  },
  skip: {
    'skip/cloudtrail-register-fargate-only.json': 'not an EC2-compatible task definition',
  },
});
