// Verdict benchmarks (npm run bench). Figures, not pass/fail; the targets are in docs/performance.md.
//  8. evaluation of a 10-container API task definition, this tree against a baseline commit built
//     beside it (BENCH_BASELINE, default the last commit before verdicts learned types and
//     conditions), interleaved in the same process (target: within 10%);
//  9. CloudFormation templates with 0, 1, 4 and 8 independent conditions: scenarios and time per
//     template (the cost must grow with the fields that depend on conditions, not as 2^k);
// 10. the secret detector on the labelled corpora: precision, recall, and its cost per variable;
//     secretlint's recommended preset on the same corpus, for comparison.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as current from '../dist/index.mjs';
import { taskDefinition } from './support.js';

const root = new URL('..', import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BASELINE = process.env.BENCH_BASELINE ?? 'afd460e';

/** Evaluations per second over `ms`, a fresh resource wrapper each time (no cache may help). */
function throughput(evaluate, resource, ms) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) evaluate({ ...resource });
    n += 100;
  }
  return (n / (performance.now() - start)) * 1000;
}

/** The baseline commit, built into a temporary worktree that shares this tree's node_modules. */
function buildBaseline() {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-baseline-'));
  try {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--quiet', join(dir, 'tree'), BASELINE], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { error: `cannot check out ${BASELINE}: ${String(error.stderr ?? error.message).trim()}` };
  }
  const tree = join(dir, 'tree');
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: tree, stdio: 'pipe' });
  const cleanup = () => {
    execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', tree], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  };
  return { dist: join(tree, 'dist', 'index.mjs'), cleanup };
}

console.log(`\necs-admission verdict benchmarks — Node ${process.version}\n`);

// 8 ---------------------------------------------------------------------------------------------
console.log(`8. evaluation, 10-container API task definition, recommended preset: this tree against ${BASELINE}`);
const baseline = buildBaseline();
if (baseline.error) console.log(`   skipped: ${baseline.error}`);
else {
  try {
    const previous = await import(pathToFileURL(baseline.dist).href);
    const resource = { kind: 'taskDefinition', name: 'service:42', object: taskDefinition(10), origin: { source: 'bench' } };
    const sides = {
      this: current.createEvaluator(current.presetRuleSet('recommended', current.builtinRules)),
      baseline: previous.createEvaluator(previous.presetRuleSet('recommended', previous.builtinRules)),
    };
    for (const evaluate of Object.values(sides)) throughput(evaluate, resource, 1500); // warm up
    // Short slices, alternated, so that both sides see the same machine: the ratio of each pair of
    // slices is taken, and the median of those ratios (the machine's noise is larger than 10%).
    const rates = { this: [], baseline: [] };
    const ratios = [];
    for (let round = 0; round < 41; round++) {
      const order = round % 2 ? ['this', 'baseline'] : ['baseline', 'this'];
      const pair = {};
      for (const name of order) rates[name].push((pair[name] = throughput(sides[name], resource, 100)));
      ratios.push(pair.this / pair.baseline);
    }
    const [now, before, ratio] = [median(rates.this), median(rates.baseline), median(ratios)];
    console.log(
      `   this tree ${Math.round(now).toLocaleString('en-US')} evaluations/s, ${BASELINE} ${Math.round(before).toLocaleString('en-US')} evaluations/s: ratio ${ratio.toFixed(3)} (median of 41 alternated pairs of 100 ms slices)`,
    );
  } finally {
    baseline.cleanup();
  }
}

// 9 ---------------------------------------------------------------------------------------------
/** A template whose task definition has `k` fields set by `k` independent conditions. */
function template(k) {
  const parameters = Array.from({ length: k }, (_, i) => `  P${i}: { Type: String, AllowedValues: ['on', 'off'] }`).join('\n');
  const conditions = Array.from({ length: k }, (_, i) => `  C${i}: !Equals [!Ref P${i}, 'on']`).join('\n');
  const containers = Array.from({ length: 10 }, (_, i) => {
    const conditional = i < k ? `          Privileged: !If [C${i}, true, false]\n` : '';
    return `        - Name: c${i}\n          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.${i}\n          Memory: 256\n          User: '1000'\n          ReadonlyRootFilesystem: true\n          LogConfiguration: { LogDriver: awslogs }\n${conditional}`;
  }).join('');
  return `AWSTemplateFormatVersion: '2010-09-09'\n${k ? `Parameters:\n${parameters}\nConditions:\n${conditions}\n` : ''}Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: app\n      NetworkMode: awsvpc\n      TaskRoleArn: !GetAtt Role.Arn\n      ContainerDefinitions:\n${containers}  Role:\n    Type: AWS::IAM::Role\n`;
}
console.log('\n9. CloudFormation: a 10-container task definition with k fields under k independent conditions (load + evaluate)');
const evaluateRecommended = current.createEvaluator(current.presetRuleSet('recommended', current.builtinRules));
for (const k of [0, 1, 4, 8]) {
  const text = template(k);
  const once = () => {
    const [resource] = current.loadResources(text, 'stack.yaml');
    return { resource, result: evaluateRecommended(resource) };
  };
  const { resource, result } = once();
  for (let i = 0; i < 200; i++) once();
  const times = [];
  for (let r = 0; r < 7; r++) {
    const start = performance.now();
    for (let i = 0; i < 200; i++) once();
    times.push((performance.now() - start) / 200);
  }
  const privileged = result.rules.find((r) => r.ruleId === 'no-privileged-containers');
  console.log(
    `   k=${k}: ${String(resource.scenarios?.length ?? 1).padStart(2)} scenarios (2^k would be ${2 ** k}), ${median(times).toFixed(3)} ms per template, no-privileged-containers ${privileged.status} with ${privileged.findings.length} finding(s)`,
  );
}

// 10 --------------------------------------------------------------------------------------------
const read = (file) =>
  readFileSync(join(root, 'test/fixtures/secrets', file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
// The product's secret detection in environments: the two rules together (AWS keys are the second's).
const rule = current.builtinRules.filter((r) => r.id === 'no-secrets-in-environment' || r.id === 'no-aws-credentials-in-environment');
const evaluateSecrets = current.createEvaluator(current.buildRuleSet('bench', rule, () => ({ action: 'deny' })));
const flagged = (entry) =>
  evaluateSecrets({
    kind: 'taskDefinition',
    name: 'x',
    object: { family: 'x', containerDefinitions: [{ name: 'c', environment: [{ name: entry.name, value: entry.value }] }] },
    origin: { source: 'x' },
  }).findings.length > 0;

function score(corpus, detect) {
  const secrets = read(`${corpus}secrets.jsonl`);
  const others = read(`${corpus}non-secrets.jsonl`);
  const tp = secrets.filter(detect).length;
  const fp = others.filter(detect).length;
  return { secrets: secrets.length, others: others.length, tp, fp, precision: tp / (tp + fp), recall: tp / secrets.length };
}
const line = (name, s) =>
  `   ${name.padEnd(34)} ${String(s.others).padStart(4)} non-secrets: ${String(s.fp).padStart(2)} false positive(s) · ${String(s.secrets).padStart(3)} secrets: recall ${(s.recall * 100).toFixed(1)}% · precision ${(s.precision * 100).toFixed(1)}%`;
console.log('\n10. the secret detector (no-secrets-in-environment and no-aws-credentials-in-environment: names, values and CloudFormation facts)');
console.log(line('development corpus (tuned on)', score('', flagged)));
if (existsSync(join(root, 'test/fixtures/secrets/holdout'))) console.log(line('held-out corpus (never tuned on)', score('holdout/', flagged)));

// Cost per variable: a task definition of 1,000 variables cycled from both corpora.
const values = [...read('non-secrets.jsonl'), ...read('secrets.jsonl')];
const big = {
  family: 'x',
  containerDefinitions: Array.from({ length: 10 }, (_, c) => ({
    name: `c${c}`,
    environment: Array.from({ length: 100 }, (_, i) => values[(c * 100 + i) % values.length]),
  })),
};
const bigResource = { kind: 'taskDefinition', name: 'x', object: big, origin: { source: 'x' } };
throughput(evaluateSecrets, bigResource, 1000);
const perSecond = median(Array.from({ length: 5 }, () => throughput(evaluateSecrets, bigResource, 400)));
console.log(
  `   cost: ${(1e9 / perSecond / 1000).toFixed(0)} ns per environment variable through both rules (1,000 variables, ${Math.round(perSecond)} evaluations/s; values repeat, as they do across containers and revisions, and the rule keeps what the detector said of each)`,
);
const detectStart = performance.now();
let detectCalls = 0;
while (performance.now() - detectStart < 1000) {
  for (const v of values) {
    current.detectSecret(v.value);
    detectCalls++;
  }
}
console.log(
  `         ${(((performance.now() - detectStart) * 1e6) / detectCalls).toFixed(0)} ns per value for the value detector alone, nothing kept (detectSecret, on every value of both corpora)`,
);

try {
  const { lintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const options = { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] } };
  const lint = async (entry) =>
    (await lintSource({ source: { filePath: '/env', content: `${entry.name}=${entry.value}`, contentType: 'text' }, options })).messages.length > 0;
  const scoreAsync = async (corpus) => {
    const secrets = read(`${corpus}secrets.jsonl`);
    const others = read(`${corpus}non-secrets.jsonl`);
    let tp = 0;
    let fp = 0;
    const start = performance.now();
    for (const e of secrets) if (await lint(e)) tp++;
    for (const e of others) if (await lint(e)) fp++;
    const us = ((performance.now() - start) * 1000) / (secrets.length + others.length);
    return { secrets: secrets.length, others: others.length, tp, fp, precision: tp / (tp + fp), recall: tp / secrets.length, us };
  };
  const s = await scoreAsync('');
  console.log(`${line('secretlint recommended preset', s)}\n   secretlint cost: ${s.us.toFixed(0)} µs per variable (lintSource, one variable per call)`);
} catch (error) {
  console.log(`   secretlint comparison skipped: ${error.message}`);
}
