/**
 * The tools some tests need from outside npm. Each is a vitest tag: the tests that need a tool carry
 * its tag (`describeWithMoto` in test/helpers/moto.ts, the cfn-lint test, the browser tests of the
 * HTML report), vitest.config.ts declares the tags, and the skip summary (test/setup/skip-summary.ts)
 * counts, at the end of `npm test`, the tests each missing tool left unrun, with how to install it.
 *
 * Without a tool its tests skip, so `npm test` works on a machine without Python or a browser. With
 * the tool's `require` variable set to 1 (CI sets all three, see .ci/run), a missing tool fails the
 * run instead.
 */
export interface Prerequisite {
  /** The vitest tag of the tests that need it. */
  tag: 'moto' | 'cfn-lint' | 'chromium';
  /** The tool, as a person looks for it. */
  tool: string;
  /** The tests that need it. */
  tests: string;
  /** The command that installs it. */
  install: string;
  /** Set to 1, a missing tool fails the run instead of skipping its tests. */
  require: string;
}

export const PREREQUISITES: readonly Prerequisite[] = [
  {
    tag: 'moto',
    tool: 'moto server (moto_server on PATH)',
    tests: 'AWS integration tests: the Lambdas, scan, redrive and the EventBridge pattern against a local fake AWS',
    install: "pip install 'moto[server]'",
    require: 'ECS_ADMISSION_REQUIRE_MOTO',
  },
  {
    tag: 'cfn-lint',
    tool: 'cfn-lint (on PATH)',
    tests: 'the lint of the packaged CloudFormation template',
    install: 'pip install cfn-lint',
    require: 'ECS_ADMISSION_REQUIRE_CFN_LINT',
  },
  {
    tag: 'chromium',
    tool: 'Chromium (/usr/bin/chromium, or the path in ECS_ADMISSION_CHROMIUM)',
    tests: "the HTML report's tests in a headless browser",
    install: 'apt-get install chromium',
    require: 'ECS_ADMISSION_REQUIRE_CHROMIUM',
  },
];

/** Whether the run must fail rather than skip when this tool is missing. */
export const required = (tag: Prerequisite['tag']): boolean => process.env[PREREQUISITES.find((p) => p.tag === tag)!.require] === '1';
