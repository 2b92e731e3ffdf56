// The GitHub Action's one step (action.yml): runs `ecs-admission check` once, with JSON on stdout
// and SARIF and Markdown written beside it, then turns the JSON into what GitHub shows: the job
// summary, annotations (on the lines a pull request changed, when its diff can be read), and the
// step's outputs. It exits with the status of the check, so the step follows --fail-on.
//
// It reads its inputs from the environment (action.yml maps them): INPUT_PATHS, INPUT_POLICY,
// INPUT_PRESET, INPUT_FAIL_ON, INPUT_SARIF_FILE, INPUT_SUMMARY; and GitHub's GITHUB_WORKSPACE,
// GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const env = process.env;
const out = (line) => process.stdout.write(`${line}\n`);
const words = (value) => (value ?? '').split(/\s+/).filter(Boolean);

/** Workflow-command escaping, as GitHub's toolkit does it: the message, then property values. */
export const escapeData = (s) => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * The lines each file gained or changed in a pull request: `git diff --unified=0 base...head`
 * (what the head branch changed since it left the base), paths relative to the workspace. Null
 * when this is not a pull_request event or the diff cannot be read (a shallow clone without the
 * base commit): then every finding is annotated.
 */
export function changedLines(workspace, eventPath) {
  if (!eventPath || !existsSync(eventPath)) return { lines: null, why: 'no event file' };
  let event;
  try {
    event = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch {
    return { lines: null, why: 'the event file is not JSON' };
  }
  const base = event?.pull_request?.base?.sha;
  const head = event?.pull_request?.head?.sha;
  if (!base || !head) return { lines: null, why: 'not a pull_request event' };
  const diff = spawnSync('git', ['-c', 'core.quotepath=off', 'diff', '--unified=0', '--no-color', '--no-ext-diff', '--relative', `${base}...${head}`], {
    cwd: workspace,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (diff.status !== 0)
    return { lines: null, why: `git diff ${base.slice(0, 7)}...${head.slice(0, 7)} failed (${(diff.stderr || '').trim().split('\n')[0]})` };
  const lines = new Map();
  let file = null;
  for (const line of diff.stdout.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = line.slice(4).replace(/^"(.*)"$/, '$1');
      file = path === '/dev/null' ? null : path.replace(/^b\//, '');
      if (file !== null && !lines.has(file)) lines.set(file, new Set());
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file !== null) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) lines.get(file).add(n);
    }
  }
  return { lines, why: `the lines changed by ${base.slice(0, 7)}...${head.slice(0, 7)}` };
}

/** The annotations of a JSON report: deny findings and errors as errors, the rest as warnings. */
export function annotations(report, workspace, changed) {
  const fileOf = (source) => {
    if (source === '-' || source.startsWith('arn:')) return undefined;
    return relative(workspace, resolve(workspace, source)).split(sep).join('/');
  };
  const touched = (file, line) => changed === null || (file !== undefined && changed.has(file) && (line === undefined || changed.get(file).has(line)));
  const command = (level, { file, line, column, title }, message) => {
    const props = [file && `file=${escapeProperty(file)}`, line && `line=${line}`, column && `col=${column}`, title && `title=${escapeProperty(title)}`].filter(
      Boolean,
    );
    return `::${level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
  };
  const list = [];
  // Errors stop the check (exit 2) wherever they are: always annotated.
  for (const e of report.errors ?? []) list.push(command('error', { file: fileOf(e.source), line: e.line, title: 'ecs-admission: input error' }, e.message));
  for (const r of report.results ?? []) {
    const file = fileOf(r.source.file);
    if (r.status === 'error' && r.reason !== undefined) list.push(command('error', { file, title: 'ecs-admission: error' }, `${r.name}: ${r.reason}`));
    for (const p of r.problems ?? [])
      list.push(command('error', { file, line: p.line, title: 'ecs-admission: invalid value' }, `${r.name}: ${p.path}: ${p.message}`));
    for (const f of r.findings ?? []) {
      if (f.exception || !touched(file, f.line)) continue;
      const level = f.action === 'deny' || f.error ? 'error' : 'warning';
      const message = `${r.name}: ${f.message}${f.when ? ` (when ${f.when})` : ''}\nRemediation: ${f.remediation}`;
      list.push(command(level, { file, line: f.line, column: f.column, title: `${f.ruleId} (${f.severity} ${f.action})` }, message));
    }
    if (!touched(file, undefined)) continue;
    const undecided = (r.rules ?? [])
      .filter((rule) => rule.status === 'unknown')
      .map((rule) => `${rule.ruleId}${rule.action ? ` (${rule.action})` : ''}: ${rule.reason ?? ''}`);
    if (r.status !== 'error' && (r.notJudged || r.reason !== undefined || undecided.length > 0))
      list.push(command('warning', { file, title: `ecs-admission: not decided` }, [`${r.name}: ${r.reason ?? 'could not decide'}`, ...undecided].join('\n')));
  }
  for (const u of report.unjudged ?? []) {
    const file = fileOf(u.source);
    if (touched(file, undefined)) list.push(command('warning', { file, line: u.line, title: 'ecs-admission: not judged' }, u.message));
  }
  return list;
}

function main() {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const cli = env.ECS_ADMISSION_BIN || join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ecs-admission.js');
  const sarifFile = resolve(workspace, env.INPUT_SARIF_FILE || 'ecs-admission.sarif');
  const markdownFile = join(mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'ecs-admission-')), 'summary.md');
  const policies = words(env.INPUT_POLICY);
  const args = [
    'check',
    ...(words(env.INPUT_PATHS).length ? words(env.INPUT_PATHS) : ['.']),
    ...(policies.length ? policies.flatMap((p) => ['--policy', p]) : ['--preset', env.INPUT_PRESET || 'recommended']),
    '--fail-on',
    env.INPUT_FAIL_ON || 'deny',
    '--format',
    'json',
    '--output',
    `sarif=${sarifFile}`,
    '--output',
    `markdown=${markdownFile}`,
  ];
  const check = spawnSync(process.execPath, [cli, ...args], { cwd: workspace, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (check.stderr) process.stderr.write(check.stderr);
  const status = check.status ?? 2;

  let report;
  try {
    report = JSON.parse(check.stdout);
  } catch {
    out(
      `::error title=ecs-admission::${escapeData(`the check did not produce a report (exit ${status}): ${(check.stderr || String(check.error ?? '')).trim()}`)}`,
    );
  }
  if (report) {
    const { lines, why } = changedLines(workspace, env.GITHUB_EVENT_PATH);
    out(lines ? `Annotating findings on ${why}.` : `Annotating every finding (${why}).`);
    for (const line of annotations(report, workspace, lines)) out(line);
    if (env.INPUT_SUMMARY !== 'false' && env.GITHUB_STEP_SUMMARY && existsSync(markdownFile))
      appendFileSync(env.GITHUB_STEP_SUMMARY, readFileSync(markdownFile, 'utf8'));
  }
  if (env.GITHUB_OUTPUT) {
    const outputs = {
      'sarif-file': report && existsSync(sarifFile) ? sarifFile : '',
      findings: report ? String(report.summary.findings) : '',
      'exit-code': String(status),
    };
    appendFileSync(
      env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, ' ')}\n`)
        .join(''),
    );
  }
  process.exitCode = report ? status : status || 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
