import type { CheckReport } from '../../use-cases/check.js';
import { KIND_NAMES, locateFinding, type ResourceResult } from '../../core/types.js';
import { uriOf } from './sarif.js';

/**
 * JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure DevOps), valid against
 * the Jenkins/Ant-style junit-10.xsd: one `<testsuite>` per file, one `<testcase>` per resource.
 * A deny finding is a `<failure>`; an input error, a value of the wrong type or a rule error an
 * `<error>`; what was not judged or could not be decided by a deny rule is `<skipped>`, so that
 * it shows as not passed. Parsers give a testcase one status from its first kind of child (Jenkins
 * shows a case holding `<skipped>` as skipped even beside a failure), so a case that failed or
 * errored keeps its undecided rules in `<system-out>` instead: never a failure hidden as a skip.
 */

interface Child {
  element: 'failure' | 'error' | 'skipped';
  type?: string;
  message: string;
  body?: string;
}

interface TestCase {
  name: string;
  children: Child[];
  /** Everything else worth reading: flagged and excepted findings, undecided rules. */
  out: string[];
}

type Status = 'passed' | Child['element'];

const statusOf = (c: TestCase): Status =>
  c.children.some((x) => x.element === 'error')
    ? 'error'
    : c.children.some((x) => x.element === 'failure')
      ? 'failure'
      : c.children.length > 0
        ? 'skipped'
        : 'passed';

export function toJunit(report: CheckReport, cwd: string): string {
  const suites = new Map<string, TestCase[]>();
  const suite = (source: string): TestCase[] => {
    const file = uriOf(source, cwd);
    let cases = suites.get(file);
    if (!cases) suites.set(file, (cases = []));
    return cases;
  };
  const at = (line: number | undefined): string => (line !== undefined ? `:${line}` : '');

  for (const problem of report.errors) {
    const file = uriOf(problem.source, cwd);
    suite(problem.source).push({
      name: `${file}${at(problem.line)} (input)`,
      children: [{ element: 'error', type: 'input-error', message: problem.message, body: `${file}${at(problem.line)}: ${problem.message}` }],
      out: [],
    });
  }
  for (const part of report.unjudged) {
    const file = uriOf(part.source, cwd);
    suite(part.source).push({
      name: `${file}${at(part.line)} (not judged)`,
      children: [{ element: 'skipped', message: `not judged: ${part.message}` }],
      out: [],
    });
  }
  for (const result of report.results) suite(result.resource.origin.source).push(resourceCase(result));

  const counts = (cases: readonly TestCase[]) => {
    const statuses = cases.map(statusOf);
    const n = (s: Status) => statuses.filter((x) => x === s).length;
    return { tests: cases.length, failures: n('failure'), errors: n('error'), skipped: n('skipped') };
  };
  const all = counts([...suites.values()].flat());
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ecs-admission (${attr(report.ruleSet)})" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}">`,
  ];
  for (const [file, cases] of suites) {
    const c = counts(cases);
    lines.push(
      `  <testsuite name="${attr(file)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" file="${attr(file)}">`,
    );
    for (const testCase of cases) lines.push(...caseXml(testCase, file));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

function resourceCase(result: ResourceResult): TestCase {
  const { resource } = result;
  const children: Child[] = [];
  const out: string[] = [];
  const lineOf = (path: string): string => {
    const line = resource.origin.locate?.(path)?.line;
    return line !== undefined ? ` (line ${line})` : '';
  };

  if (result.status === 'error' && result.reason !== undefined) children.push({ element: 'error', type: 'evaluation-error', message: result.reason });
  for (const problem of resource.problems ?? [])
    children.push({
      element: 'error',
      type: 'invalid-value',
      message: `${problem.path}: ${problem.message}`,
      body: `${problem.path}${lineOf(problem.path)}: ${problem.message}`,
    });

  for (const f of result.findings) {
    const line = locateFinding(resource, f)?.line;
    const body = [
      `${f.severity} ${f.exception ? 'excepted' : f.action}: ${f.message}`,
      `path: ${f.path}${line !== undefined ? ` (line ${line})` : ''}`,
      ...(f.container ? [`container: ${f.container}`] : []),
      ...(f.when ? [`when: ${f.when}`] : []),
      ...(f.exception ? [`excepted by ${f.exception.policy} until ${f.exception.expires}: ${f.exception.reason}`] : []),
      `remediation: ${f.remediation}`,
    ].join('\n');
    // A finding that stands for a rule error is an error whatever its action: the rule did not decide.
    if (f.error) children.push({ element: 'error', type: f.ruleId, message: `${f.ruleId}: ${f.message}`, body });
    else if (f.exception || f.action !== 'deny') out.push(`${f.ruleId}: ${body}`);
    else children.push({ element: 'failure', type: f.ruleId, message: `${f.ruleId}: ${f.message}`, body });
  }
  for (const r of result.rules) {
    if (r.status === 'error' && r.findings.length === 0) out.push(`${r.ruleId}: rule error ignored by policy: ${r.reason ?? ''}`);
  }

  const undecided = result.rules.filter((r) => r.status === 'unknown');
  const skips: Child[] = [
    ...(resource.notJudged !== undefined ? [{ element: 'skipped' as const, message: `not judged: ${resource.notJudged}` }] : []),
    ...(resource.notJudged === undefined && result.reason !== undefined && result.status !== 'error'
      ? [{ element: 'skipped' as const, message: `undecided: ${result.reason}` }]
      : []),
    ...undecided.filter((r) => r.action === 'deny').map((r) => ({ element: 'skipped' as const, message: `${r.ruleId} could not decide: ${r.reason ?? ''}` })),
  ];
  const notDecided = undecided.filter((r) => r.action !== 'deny').map((r) => `${r.ruleId} (${r.action ?? 'no action'}) could not decide: ${r.reason ?? ''}`);
  if (children.length === 0) children.push(...skips);
  else out.push(...skips.map((s) => s.message));
  out.push(...notDecided);
  return { name: `${resource.name} (${KIND_NAMES[resource.kind]})`, children, out };
}

function caseXml(testCase: TestCase, file: string): string[] {
  const open = `    <testcase name="${attr(testCase.name)}" classname="${attr(file)}"`;
  if (testCase.children.length === 0 && testCase.out.length === 0) return [`${open}/>`];
  const lines = [`${open}>`];
  for (const child of testCase.children) {
    const type = child.type !== undefined ? ` type="${attr(child.type)}"` : '';
    const head = `      <${child.element}${type} message="${attr(child.message)}"`;
    lines.push(child.body !== undefined ? `${head}>${text(child.body)}</${child.element}>` : `${head}/>`);
  }
  if (testCase.out.length > 0) lines.push(`      <system-out>${text(testCase.out.join('\n'))}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}

/**
 * XML 1.0 cannot carry most control characters, lone surrogates or U+FFFE/U+FFFF even as
 * references: each is written as a visible `\uXXXX` instead of being dropped.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const visible = (s: string): string => s.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const text = (s: string): string => visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

/** Attribute values keep their line breaks and tabs as references (a parser would fold them to spaces). */
export const attr = (s: string): string => text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
