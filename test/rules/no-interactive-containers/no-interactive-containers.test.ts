import rule from '../../../src/rules/no-interactive-containers.js';
import { testRule } from '../../helpers/rule-tester.js';

const interactive = (index: number, container: string) => ({
  path: `containerDefinitions[${index}].interactive`,
  container,
  message: `Container "${container}" keeps its standard input open (interactive).`,
});
const tty = (index: number, container: string) => ({
  path: `containerDefinitions[${index}].pseudoTerminal`,
  container,
  message: `Container "${container}" allocates a pseudo-terminal.`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // CloudFormation's string 'true' is a boolean.
    'fail/cloudformation-interactive-as-string.yaml': [interactive(0, 'console')],
    'fail/eventbridge-register-pseudo-terminal.json': [tty(0, 'migrate')],
    'fail/sidecar-debug-shell-interactive-with-tty.json': [interactive(1, 'debug'), tty(1, 'debug')],
  },
});
