// `check --format junit`: valid against the Jenkins/Ant junit-10.xsd that CI parsers follow, one
// suite per file, deny findings as failures, errors as errors, what was not decided as skipped,
// hostile text escaped, secrets never printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { attr, text } from '../../src/cli/formats/junit.js';
import { policyText, root, runCli, scratch } from '../helpers/cli.js';

const SCHEMA = readFileSync(join(root, 'test/fixtures/junit/junit-10.xsd'), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'junit-10.xsd', contents: SCHEMA } });
  return result.errors.map((e) => e.rawMessage);
}

const PRIVILEGED = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] });
const WRONG_TYPE = JSON.stringify({ family: 'bad', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: 'yes' }] });
// A deny rule (no-public-ip) that cannot decide offline: the value is a parameter.
const UNDECIDED = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  PublicIp: { Type: String }
Resources:
  Web:
    Type: AWS::ECS::Service
    Properties:
      Cluster: main
      TaskDefinition: web:1
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: !Ref PublicIp
          Subnets: [subnet-1]
`;

/** The elements of a testsuite's testcases, by testcase name. */
function casesOf(xml: string, file: string): Map<string, string> {
  const suite = new RegExp(`<testsuite name="[^"]*${file}"[\\s\\S]*?</testsuite>`).exec(xml)?.[0] ?? '';
  return new Map([...suite.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => [m[1]!, m[2] ?? '']));
}

describe('check --format junit', () => {
  it('is checked by a validator that rejects what the schema does not allow', async () => {
    // junit-10.xsd has no `skipped` on <testsuites> (only on each <testsuite>), and requires a testcase name.
    expect(await schemaErrors('<testsuites skipped="1"/>')).not.toEqual([]);
    expect(await schemaErrors('<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase/></testsuite></testsuites>')).not.toEqual([]);
  });

  it('is valid junit-10.xsd, with failures, errors and skips counted per testcase and per file', async () => {
    const dir = scratch({ 'td.json': PRIVILEGED, 'wrong.json': WRONG_TYPE, 'stack.yaml': UNDECIDED, 'notes.json': '{"hello": 1}' });
    const files = ['td.json', 'wrong.json', 'stack.yaml', 'notes.json', 'missing.json'].map((f) => join(dir, f));
    const { status, stdout } = await runCli(['check', ...files, '--format', 'junit']);
    expect(status).toBe(2);
    expect(await schemaErrors(stdout)).toEqual([]);

    expect(stdout).toMatch(/^<testsuites name="ecs-admission \(recommended\)" tests="5" failures="1" errors="3">/m);
    expect(stdout.match(/<testsuite /g)).toHaveLength(5);

    const td = casesOf(stdout, 'td.json').get('web (task definition)');
    expect(td).toMatch(/<failure type="no-privileged-containers" message="no-privileged-containers: Container &quot;app&quot; runs privileged\.">/);
    expect(td).toContain('path: containerDefinitions[0].privileged (line 1)');
    expect(td).toContain('remediation: ');
    // Flag findings are not failures, but are there to read.
    expect(td).toMatch(/<system-out>[\s\S]*require-non-root-user: medium flag/);

    const wrong = casesOf(stdout, 'wrong.json').get('bad (task definition)')!;
    expect(wrong).toMatch(/<error type="invalid-value" message="containerDefinitions\[0\]\.privileged: expected a boolean/);
    expect(wrong).toMatch(/<error type="no-privileged-containers"/); // the rule error it caused

    const undecided = casesOf(stdout, 'stack.yaml').get('Web (service)')!;
    expect(undecided).toMatch(/<skipped message="no-public-ip could not decide: [^"]*!Ref PublicIp[^"]*"\/>/);
    expect(stdout).toMatch(/<testsuite name="[^"]*stack\.yaml" tests="1" failures="0" errors="0" skipped="1"/);

    expect(stdout).toMatch(/<testcase name="[^"]*notes\.json:1 \(input\)"[^>]*>\s*<error type="input-error" message="not an ECS document/);
    expect(stdout).toMatch(/<testcase name="[^"]*missing\.json \(input\)"[^>]*>\s*<error type="input-error" message="no such file or directory">/);
  });

  it('a passing resource is an empty testcase, and a report with nothing failing says so in its counts', async () => {
    const dir = scratch({ 'stack.yaml': UNDECIDED });
    const { stdout } = await runCli(['check', join(dir, 'stack.yaml'), '--format', 'junit', '--fail-on', 'none']);
    expect(await schemaErrors(stdout)).toEqual([]);
    expect(stdout).toMatch(/tests="1" failures="0" errors="0">/);
  });

  it('escapes markup, quotes and control characters so that hostile names stay one valid document', async () => {
    const hostile = 'a<b>&"c\'\u0001\u001b]]>\ud800';
    expect(text(hostile)).toBe('a&lt;b&gt;&amp;"c\'\\u0001\\u001b]]&gt;\\ud800');
    expect(attr('x"\n\ty\r')).toBe('x&quot;&#10;&#9;y&#13;');

    const policy = scratch({
      'p.yaml': policyText(
        'probe',
        `extends: [recommended]
customRules:
  - id: echo-name
    appliesTo: [taskDefinition]
    severity: high
    action: deny
    expression: "false"
    messageExpression: "'container ' + object.containerDefinitions[0].name"`,
      ),
    });
    const td = JSON.stringify({ family: 'web', containerDefinitions: [{ name: `app</failure><x a="1">${'\u0007'}&amp;`, image: 'nginx:1.27' }] });
    const dir = scratch({ 'td.json': td });
    const { stdout } = await runCli(['check', join(dir, 'td.json'), '--policy', join(policy, 'p.yaml'), '--format', 'junit']);
    expect(await schemaErrors(stdout)).toEqual([]);
    expect(stdout).toContain('message="echo-name: container app&lt;/failure&gt;&lt;x a=&quot;1&quot;&gt;\\u0007&amp;amp;"');
  });

  it('never prints a secret from an environment variable, even when a rule quotes it', async () => {
    const secret = `ghp_${'R8x2Kq9LmZ4vT7wYpB3nC6dF1hJ5sA0eG2uX'}`;
    const policy = scratch({
      'p.yaml': policyText(
        'leak-probe',
        `extends: [recommended]
customRules:
  - id: echo-environment
    appliesTo: [taskDefinition]
    severity: high
    action: deny
    expression: "false"
    messageExpression: "'environment: ' + object.containerDefinitions[0].environment.map(e, e.name + '=' + e.value).join(',')"`,
      ),
    });
    const td = JSON.stringify({
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'nginx:1.27', environment: [{ name: 'DB_PASSWORD', value: secret }] }],
    });
    const dir = scratch({ 'td.json': td });
    for (const format of ['junit', 'markdown']) {
      const { stdout } = await runCli(['check', join(dir, 'td.json'), '--policy', join(policy, 'p.yaml'), '--format', format, '--verbose']);
      expect(stdout).toContain('echo-environment');
      expect(stdout).toContain('DB');
      expect(stdout).not.toContain(secret);
      expect(stdout).not.toContain(secret.slice(4, 20));
    }
  });
});
