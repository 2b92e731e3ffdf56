// The GitHub Action: action.yml's inputs and pins, and action/report.mjs run as the runner runs it
// (a child process, a fake GITHUB_* environment, a pull_request event over a real git repository):
// the job summary, the SARIF file, annotations only on changed lines, the outputs, the exit status.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { escapeData, escapeProperty } from '../../action/report.mjs';
import { root, scratch } from '../helpers/cli.js';

const REPORT = join(root, 'action/report.mjs');

/** A task definition written one field per line, so that findings have lines of their own. */
const taskDefinition = (family: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ family, ...extra, containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] }, null, 2) + '\n';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

/** A repository whose head commit adds a line to td.json and a new file, leaving old.json alone. */
function pullRequestRepo() {
  const workspace = scratch({ 'td.json': taskDefinition('web'), 'old.json': taskDefinition('old') });
  git(workspace, 'init', '-q');
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-q', '-m', 'base');
  const base = git(workspace, 'rev-parse', 'HEAD');
  git(workspace, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(workspace, 'td.json'), taskDefinition('web', { networkMode: 'host' }));
  writeFileSync(join(workspace, 'new.json'), taskDefinition('new'));
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-q', '-m', 'head');
  const head = git(workspace, 'rev-parse', 'HEAD');
  return { workspace, base, head };
}

function runAction(workspace: string, inputs: Record<string, string>, event?: object) {
  const temp = scratch({ 'summary.md': '', 'output.txt': '', 'event.json': JSON.stringify(event ?? { ref: 'refs/heads/main' }) });
  const result = spawnSync(process.execPath, [REPORT], {
    cwd: workspace,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_PATH: join(temp, 'event.json'),
      GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
      GITHUB_OUTPUT: join(temp, 'output.txt'),
      RUNNER_TEMP: temp,
      ...inputs,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(join(temp, 'output.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::'));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, summary: readFileSync(join(temp, 'summary.md'), 'utf8'), outputs, annotations };
}

/** The 1-based line of the first occurrence of `text` in a file. */
const lineOf = (file: string, text: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

describe('the GitHub Action report script', () => {
  it('on a pull request: annotates only changed lines, writes the summary, SARIF and outputs, exits as --fail-on says', () => {
    const { workspace, base, head } = pullRequestRepo();
    const run = runAction(
      workspace,
      { INPUT_PATHS: 'td.json old.json\nnew.json', INPUT_SARIF_FILE: 'reports/ecs.sarif' },
      {
        pull_request: { base: { sha: base }, head: { sha: head } },
      },
    );
    expect(run.stderr).not.toContain('did not produce a report');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`Annotating findings on the lines changed by ${base.slice(0, 7)}...${head.slice(0, 7)}.`);

    const hostLine = lineOf(join(workspace, 'td.json'), '"networkMode"');
    expect(run.annotations).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^::error file=td\\.json,line=${hostLine},col=\\d+,title=no-host-network-mode \\(high deny\\)::web: Task definition uses network mode "host"\\.%0ARemediation: `,
        ),
      ),
    );
    // td.json's privileged line did not change, old.json not at all: no annotation for them.
    expect(run.annotations.filter((a) => a.includes('file=td.json') && a.includes('no-privileged-containers'))).toEqual([]);
    expect(run.annotations.filter((a) => a.includes('file=old.json'))).toEqual([]);
    // new.json is new: every line of it changed.
    expect(run.annotations).toContainEqual(
      expect.stringMatching(/^::error file=new\.json,line=\d+,col=\d+,title=no-privileged-containers \(critical deny\)::new: /),
    );
    expect(run.annotations).toContainEqual(expect.stringMatching(/^::warning file=new\.json,.*title=require-non-root-user \(medium flag\)::/));

    expect(run.summary).toMatch(/^## ecs-admission: ❌ \d+ findings would be denied\n/);
    expect(run.summary).toContain('| old (task definition) | no-privileged-containers | critical | deny | old.json:');

    expect(run.outputs['sarif-file']).toBe(join(workspace, 'reports/ecs.sarif'));
    expect(run.outputs['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8')) as {
      version: string;
      runs: { tool: { driver: { name: string } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.name).toBe('ecs-admission');
    expect(new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(
      new Set(['td.json', 'old.json', 'new.json']),
    );
    expect(Number(run.outputs.findings)).toBe(sarif.runs[0]!.results.length);
  });

  it('outside a pull request, or when the diff cannot be read, annotates every finding', () => {
    const { workspace, head } = pullRequestRepo();
    const push = runAction(workspace, { INPUT_PATHS: '.' });
    expect(push.stdout).toContain('Annotating every finding (not a pull_request event).');
    expect(push.annotations.some((a) => a.startsWith('::error file=old.json,'))).toBe(true);

    const shallow = runAction(workspace, { INPUT_PATHS: '.' }, { pull_request: { base: { sha: 'f'.repeat(40) }, head: { sha: head } } });
    expect(shallow.stdout).toMatch(/Annotating every finding \(git diff fffffff\.\.\.\w{7} failed/);
    expect(shallow.annotations.some((a) => a.startsWith('::error file=old.json,'))).toBe(true);
  });

  it('exits 0 when nothing reaches fail-on, skips the summary when asked, and passes a policy through', () => {
    const { workspace } = pullRequestRepo();
    const calm = runAction(workspace, { INPUT_PATHS: 'td.json', INPUT_FAIL_ON: 'none', INPUT_SUMMARY: 'false' });
    expect(calm.status).toBe(0);
    expect(calm.outputs['exit-code']).toBe('0');
    expect(calm.summary).toBe('');
    expect(existsSync(calm.outputs['sarif-file']!)).toBe(true);

    writeFileSync(
      join(workspace, 'policy.yaml'),
      'apiVersion: ecs-admission/v1\nkind: Policy\nmetadata:\n  name: lax\nspec:\n  rules:\n    no-privileged-containers: flag\n',
    );
    const lax = runAction(workspace, { INPUT_PATHS: 'new.json', INPUT_POLICY: 'policy.yaml' });
    expect(lax.status).toBe(0);
    expect(lax.annotations).toContainEqual(expect.stringMatching(/^::warning file=new\.json,.*title=no-privileged-containers \(critical flag\)::/));
  });

  it('reports errors as error annotations and exit 2, and a broken check with no report as an error', () => {
    const workspace = scratch({ 'notes.json': '{"hello": 1}\n' });
    const run = runAction(workspace, { INPUT_PATHS: 'notes.json' });
    expect(run.status).toBe(2);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.annotations).toContainEqual(expect.stringMatching(/^::error file=notes\.json,line=1,title=ecs-admission%3A input error::not an ECS document/));

    const broken = runAction(workspace, { INPUT_PATHS: 'notes.json', INPUT_FAIL_ON: 'sometimes' });
    expect(broken.status).toBe(2);
    expect(broken.annotations).toContainEqual(expect.stringMatching(/^::error title=ecs-admission::the check did not produce a report \(exit 2\)/));
    expect(broken.outputs['sarif-file']).toBe('');
  });

  it("escapes workflow commands as GitHub's toolkit does", () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('dir/a:b,c%\n')).toBe('dir/a%3Ab%2Cc%25%0A');
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string>; run?: string }[] };
  };
  const script = readFileSync(REPORT, 'utf8');

  it('maps every input the script reads from an input that exists', () => {
    const read = new Set([...script.matchAll(/env\.(INPUT_[A-Z_]+)/g)].map((m) => m[1]!));
    const step = action.runs.steps.find((s) => s.run?.includes('action/report.mjs'))!;
    expect(Object.keys(step.env ?? {}).sort()).toEqual([...read].sort());
    for (const [name, value] of Object.entries(step.env!)) {
      const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)?.[1];
      expect(input, name).toBeDefined();
      expect(action.inputs).toHaveProperty(input!);
      expect(name).toBe(`INPUT_${input!.toUpperCase().replace(/-/g, '_')}`);
    }
    for (const name of ['paths', 'policy', 'preset', 'fail-on', 'sarif-file', 'upload-sarif', 'summary']) expect(action.inputs).toHaveProperty(name);
    expect(action.inputs['upload-sarif']!.default).toBe('true');
    expect(action.inputs.summary!.default).toBe('true');
  });

  it('pins every action to a commit and Node to an exact 20.x version', () => {
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const node = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(String(node.with!['node-version'])).toMatch(/^20\.\d+\.\d+$/);
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with).toMatchObject({ sarif_file: '${{ steps.check.outputs.sarif-file }}', category: '${{ inputs.sarif-category }}' });
  });

  it('publishes the outputs the script writes', () => {
    for (const name of ['sarif-file', 'findings', 'exit-code']) expect(action.outputs[name]!.value).toBe(`\${{ steps.check.outputs.${name} }}`);
    for (const key of ["'sarif-file':", 'findings:', "'exit-code':"]) expect(script).toContain(key);
  });
});
