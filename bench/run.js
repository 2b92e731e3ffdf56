// Benchmarks (npm run bench builds first). Figures, not pass/fail: the targets are in docs/performance.md.
//  1. evaluation throughput of a realistic task definition with the `recommended` preset, for 1, 10
//     and 50 containers (cost per container shows whether it grows linearly);
//  2. `ecs-admission check` on one file: whole-process wall time (median of 15 runs);
//  3. `ecs-admission check` on 1,000 files: files per second (median of 3 runs);
//  4. the same evaluation with recommended + 3 CEL custom rules through the policy engine;
//  5. policy load time for the shipped policies (CEL compiled) as a whole-process cold start;
//  6. `ecs-admission guardrails` on the shipped policies: whole-process wall time (median of 15; target < 400 ms).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { taskDefinition } from './support.js';
import { builtinRules, compileCustomRule, createEvaluator, createPolicyEngine, compilePolicies, parsePolicyFile, presetRuleSet } from '../dist/index.mjs';

const bin = new URL('../bin/ecs-admission.js', import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function evaluationThroughput(containers) {
  return measure(createEvaluator(presetRuleSet('recommended', builtinRules)), containers);
}

function measure(evaluate, containers) {
  const resource = { kind: 'taskDefinition', name: 'service:42', object: taskDefinition(containers), origin: { source: 'bench' } };
  let findings = 0;
  // A fresh resource wrapper each time: an evaluator may cache per resource, and must not here.
  const once = () => (findings += evaluate({ ...resource }).findings.length);
  for (let i = 0; i < 20_000; i++) once(); // warm up
  const runs = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 400) {
      for (let i = 0; i < 200; i++) once();
      n += 200;
    }
    runs.push((n / (performance.now() - start)) * 1000);
  }
  return { containers, perSecond: median(runs), findings };
}

function wallTime(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    try {
      execFileSync(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      if (error.status !== 1) throw error; // 1 = findings, expected
    }
    times.push(performance.now() - start);
  }
  return median(times);
}

const rules = presetRuleSet('recommended', builtinRules).settings.length;
console.log(`ecs-admission benchmarks — Node ${process.version}, ${rules} rules on in the recommended preset\n`);

console.log('1. evaluation, recommended preset, one core (in-process)');
const sizes = [1, 10, 50].map(evaluationThroughput);
for (const s of sizes) {
  const usPerEval = 1e6 / s.perSecond;
  console.log(
    `   ${String(s.containers).padStart(2)} containers: ${Math.round(s.perSecond).toLocaleString('en-US').padStart(9)} evaluations/s  (${usPerEval.toFixed(2)} µs each, ${(usPerEval / s.containers).toFixed(2)} µs per container)`,
  );
}

/** The recommended preset plus three CEL custom rules, as a policy file declares them. */
function celPolicyThroughput(containers) {
  const text = `apiVersion: ecs-admission/v1
kind: Policy
metadata: { name: bench }
spec:
  extends: [recommended]
  customRules:
    - id: require-owner-tag
      appliesTo: [taskDefinition]
      expression: "has(object.tags) && object.tags.exists(t, t.key == 'Owner')"
      message: no Owner tag
      severity: medium
    - id: require-ecr-images
      appliesTo: [taskDefinition]
      expression: "object.containerDefinitions.all(c, c.image.startsWith('111122223333.dkr.ecr.'))"
      message: image outside the account's ECR
      severity: high
    - id: limit-container-memory
      appliesTo: [taskDefinition]
      expression: "object.containerDefinitions.all(c, !has(c.memory) || c.memory <= 4096)"
      messageExpression: "'a container asks for more than 4 GiB in ' + object.family"
      severity: low
`;
  const parsed = parsePolicyFile(text, 'bench.yaml');
  const { policies, errors } = compilePolicies(parsed.policies, { builtinRules, now: new Date(), readExtended: () => [], compileCustomRule });
  if (parsed.errors.length || errors.length) throw new Error([...parsed.errors, ...errors].map((e) => e.message).join('\n'));
  const { evaluate } = createPolicyEngine(policies, { now: new Date() });
  return measure(evaluate, containers);
}

console.log('\n2. evaluation, recommended + 3 CEL custom rules through the policy engine, one core');
const cel = celPolicyThroughput(10);
console.log(`   10 containers: ${Math.round(cel.perSecond).toLocaleString('en-US').padStart(9)} evaluations/s  (${(1e6 / cel.perSecond).toFixed(2)} µs each)`);

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-bench-'));
try {
  const one = join(dir, 'one.json');
  writeFileSync(one, JSON.stringify(taskDefinition(10), null, 2));
  const baseline = median(
    Array.from({ length: 15 }, () => {
      const start = performance.now();
      execFileSync(process.execPath, ['-e', '0']);
      return performance.now() - start;
    }),
  );
  console.log('\n3. `ecs-admission check` on one 10-container file, whole process (median of 15)');
  console.log(`   ${wallTime(['check', one], 15).toFixed(0)} ms   (bare \`node -e 0\`: ${baseline.toFixed(0)} ms)`);

  const many = join(dir, 'many');
  execFileSync('mkdir', [many]);
  for (let i = 0; i < 1000; i++) {
    const td = taskDefinition(1 + (i % 10));
    td.family = `service-${i}`;
    writeFileSync(join(many, `td-${String(i).padStart(4, '0')}.json`), JSON.stringify(td, null, 2));
  }
  const ms = wallTime(['check', many, '--format', 'json'], 3);
  console.log('\n4. `ecs-admission check` on 1,000 files (1 to 10 containers each), whole process (median of 3)');
  console.log(`   ${ms.toFixed(0)} ms   ${Math.round(1000 / (ms / 1000)).toLocaleString('en-US')} files/s`);

  const shipped = new URL('../policies', import.meta.url).pathname;
  console.log('\n5. policy load: `ecs-admission validate policies/` (6 policies, CEL compiled), whole process (median of 15)');
  console.log(`   ${wallTime(['validate', shipped], 15).toFixed(0)} ms   (\`ecs-admission --version\`: ${wallTime(['--version'], 15).toFixed(0)} ms)`);

  console.log('\n6. `ecs-admission guardrails --policy policies/` (SCP documents), whole process (median of 15; target < 400 ms)');
  console.log(`   ${wallTime(['guardrails', '--policy', shipped], 15).toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
