/**
 * Terraform source (`.tf`): what is evaluated offline is judged, with the lines of the source;
 * everything else is unknown for exactly the field that uses it; the files of one directory are
 * one module; bad HCL is one error naming the file; the HCL parser is loaded only for `.tf` files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { presetRuleSet } from '../../src/core/presets.js';
import { indexTaskDefinitions } from '../../src/core/task-definition-index.js';
import type { ResourceResult, RuleResult } from '../../src/core/types.js';
import { unguarded } from '../../src/core/unknown.js';
import { moduleFileReader } from '../../src/adapters/module-files.js';
import { loadTerraformSources, type TerraformSources } from '../../src/input/terraform/hcl.js';
import { builtinRules } from '../../src/rules/index.js';
import { root, runCli, scratch } from '../helpers/cli.js';

const strict = presetRuleSet('strict', builtinRules);
const fixtures = join(root, 'test/fixtures/terraform/source');
const files = moduleFileReader(1024 * 1024);

const read = (dir: string, ...names: string[]): { source: string; text: string }[] =>
  names.map((name) => ({ source: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));

function judge(loaded: TerraformSources): Map<string, ResourceResult> {
  const evaluate = createEvaluator(strict, { resolveTaskDefinition: indexTaskDefinitions(loaded.resources) });
  return new Map(loaded.resources.map((r) => [r.name, evaluate(r)]));
}
const rule = (result: ResourceResult | undefined, id: string): RuleResult => result!.rules.find((r) => r.ruleId === id)!;
/** The line a finding is reported at (the renderers ask the resource's origin). */
const findingLine = (result: ResourceResult | undefined, id: string): number | undefined =>
  result!.resource.origin.locate?.(rule(result, id).findings[0]!.path)?.line;
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('Terraform source: evaluation', () => {
  it('a privileged container in jsonencode fails at its own line; var.image leaves the image rules unknown only', async () => {
    const inputs = read(join(fixtures, 'app'), 'taskdef.tf');
    const loaded = await loadTerraformSources(inputs, files);
    expect(loaded.errors).toEqual([]);
    const td = judge(loaded).get('aws_ecs_task_definition.app');
    const privileged = rule(td, 'no-privileged-containers');
    expect(privileged.status).toBe('fail');
    expect(privileged.findings[0]?.path).toBe('containerDefinitions[0].privileged');
    expect(findingLine(td, 'no-privileged-containers')).toBe(lineOf(inputs[0]!.text, 'privileged = true'));
    const digest = rule(td, 'require-image-digest');
    expect(digest.status).toBe('unknown');
    expect(digest.reason).toContain('var.image');
    // The user is a literal: the rule that reads it decides.
    expect(rule(td, 'require-non-root-user').status).toBe('pass');
  });

  it('file() and templatefile() with literal variables are read relative to the module', async () => {
    const loaded = await loadTerraformSources(read(join(fixtures, 'templated'), 'main.tf'), files);
    const results = judge(loaded);
    const fromFile = results.get('aws_ecs_task_definition.from_file');
    expect(rule(fromFile, 'no-privileged-containers').status).toBe('fail');
    // The finding stays in main.tf: at the container_definitions attribute.
    expect(findingLine(fromFile, 'no-privileged-containers')).toBe(3);
    const template = results.get('aws_ecs_task_definition.from_template');
    expect(rule(template, 'require-readonly-root-filesystem').findings[0]?.message).toContain('readonlyRootFilesystem is false');
    expect(rule(template, 'require-image-digest').findings[0]?.message).toContain('nginx:1.27');
  });

  it('a dynamic "volume" block makes the volume rules unknown, not passing', async () => {
    const results = judge(await loadTerraformSources(read(join(fixtures, 'templated'), 'main.tf'), files));
    const td = results.get('aws_ecs_task_definition.dynamic_volumes');
    for (const id of ['no-host-path-volumes', 'no-sensitive-host-path-volumes']) {
      expect(rule(td, id).status).toBe('unknown');
      expect(rule(td, id).reason).toContain('dynamic "volume"');
    }
    // Heredoc JSON is read: the container rules decide.
    expect(rule(td, 'require-image-digest').status).toBe('fail');
  });

  it('a file() that cannot be read leaves the field unknown, with a note at its line, never a crash', async () => {
    const loaded = await loadTerraformSources(read(join(fixtures, 'templated'), 'main.tf'), files);
    const note = loaded.unjudged.find((n) => n.message.includes('no such file nope.json'));
    expect(note).toMatchObject({ source: join(fixtures, 'templated', 'main.tf'), line: 32 });
    const td = judge(loaded).get('aws_ecs_task_definition.missing_file');
    expect(rule(td, 'no-privileged-containers').status).toBe('unknown');
  });

  it('a file() outside the module parent tree is not read', async () => {
    const dir = scratch({
      'mod/main.tf': 'resource "aws_ecs_task_definition" "x" {\n  family = "x"\n  container_definitions = file("../../../../etc/passwd")\n}\n',
    });
    const loaded = await loadTerraformSources(read(join(dir, 'mod'), 'main.tf'), files);
    expect(loaded.unjudged[0]?.message).toContain('outside the module');
  });

  it('literal parts and escapes: mixed templates are unknown, $${ is literal text, nested jsonencode is JSON text', async () => {
    const dir = scratch({
      'main.tf': `resource "aws_ecs_task_definition" "x" {
  family = "literal-$\${x}"
  container_definitions = jsonencode([{
    name  = "app-\${var.stage}"
    image = "nginx@sha256:\${var.digest}"
    environment = [{ name = "CONFIG", value = jsonencode({ a = 1 }) }]
    privileged = false
  }])
}
`,
    });
    const loaded = await loadTerraformSources(read(dir, 'main.tf'), files);
    const td = loaded.resources[0]!;
    const raw = JSON.parse(JSON.stringify(unguarded(td.object))) as Record<string, unknown>;
    expect(raw.family).toBe('literal-${x}');
    expect(raw.containerDefinitions).toEqual([
      {
        name: '<unknown: app-${var.stage}>',
        image: '<unknown: nginx@sha256:${var.digest}>',
        environment: [{ name: 'CONFIG', value: '{"a":1}' }],
        privileged: false,
      },
    ]);
    expect(rule(judge(loaded).get('aws_ecs_task_definition.x'), 'no-privileged-containers').status).toBe('pass');
  });
});

describe('Terraform source: modules and errors', () => {
  it('a service is judged with its task definition from another file of the same directory', async () => {
    const loaded = await loadTerraformSources(read(join(fixtures, 'app'), 'main.tf', 'taskdef.tf'), files);
    const service = judge(loaded).get('aws_ecs_service.web');
    expect(service?.resource.origin.source).toBe(join(fixtures, 'app', 'main.tf'));
    const compliant = rule(service, 'require-compliant-task-definition');
    expect(compliant.status).toBe('fail');
    expect(compliant.findings[0]?.message).toContain('no-privileged-containers');
    expect(findingLine(service, 'no-public-ip')).toBe(10);
  });

  it('a task definition in another directory is not resolved by address', async () => {
    const app = join(fixtures, 'app');
    const dir = scratch({ 'main.tf': readFileSync(join(app, 'main.tf'), 'utf8') });
    const loaded = await loadTerraformSources([...read(dir, 'main.tf'), ...read(app, 'taskdef.tf')], files);
    expect(rule(judge(loaded).get('aws_ecs_service.web'), 'require-compliant-task-definition').status).not.toBe('fail');
  });

  it('an HCL syntax error is one error naming the file and line; the other files are still judged', async () => {
    const loaded = await loadTerraformSources([...read(join(fixtures, 'bad'), 'main.tf'), ...read(join(fixtures, 'app'), 'taskdef.tf')], files);
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]).toMatchObject({ source: join(fixtures, 'bad', 'main.tf'), line: 3 });
    expect(loaded.errors[0]!.message).toMatch(/^not valid HCL: Invalid expression/);
    expect(loaded.resources.map((r) => r.name)).toEqual(['aws_ecs_task_definition.app']);
  });

  it('hostile nesting is an error, quickly, and the parser still serves the next file', async () => {
    const deep = `resource "aws_ecs_task_definition" "x" {\n  tags = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}\n`;
    const started = Date.now();
    const loaded = await loadTerraformSources([{ source: 'deep/main.tf', text: deep }, ...read(join(fixtures, 'app'), 'taskdef.tf')], files);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(loaded.errors).toEqual([{ source: 'deep/main.tf', line: 2, message: 'nested deeper than 128 levels' }]);
    expect(loaded.resources).toHaveLength(1);
  });

  it('Terraform JSON syntax (.tf.json) is read with the same evaluation', async () => {
    const dir = scratch({
      'main.tf.json': JSON.stringify(
        {
          resource: {
            aws_ecs_task_definition: { j: { family: 'j', container_definitions: '${jsonencode([{ name = "a", image = var.image, privileged = true }])}' } },
          },
        },
        null,
        2,
      ),
    });
    const td = judge(await loadTerraformSources(read(dir, 'main.tf.json'), files)).get('aws_ecs_task_definition.j');
    expect(rule(td, 'no-privileged-containers').status).toBe('fail');
    expect(rule(td, 'require-image-digest').status).toBe('unknown');
  });
});

describe('ecs-admission check on .tf files', () => {
  it('exits 1 on a denied finding in a module directory, 2 on a syntax error, 0 when nothing is denied', async () => {
    const app = await runCli(['check', join(fixtures, 'app'), '--format', 'json']);
    expect(app.status).toBe(1);
    const report = JSON.parse(app.stdout) as { results: { source: { file: string; name: string } }[] };
    expect(report.results.map((r) => r.source.name).sort()).toEqual(['aws_ecs_service.web', 'aws_ecs_task_definition.app']);

    const bad = await runCli(['check', join(fixtures, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain(`${join(fixtures, 'bad', 'main.tf')}:3: not valid HCL`);

    const clean = scratch({
      'main.tf':
        'resource "aws_ecs_task_definition" "ok" {\n  family = "ok"\n  container_definitions = jsonencode([{ name = "a", image = "nginx:1.27", essential = true }])\n}\n',
      '.terraform/modules/x/main.tf': 'this is not { valid',
    });
    expect((await runCli(['check', clean])).status).toBe(0);
  });

  const cli = join(root, 'dist/cli.mjs');
  it.skipIf(!existsSync(cli))('the bundled CLI loads the HCL parser only when a .tf file is given', () => {
    // In a child process: after `check`, is the parser among the modules loaded, is its Go runtime defined?
    const probe = `import Module from 'node:module';
const { main } = await import(${JSON.stringify(cli)});
const status = await main(process.argv.slice(1));
const hcl = Object.keys(Module._cache).some((k) => k.includes('@cdktf/hcl2json'));
process.stderr.write('PROBE ' + JSON.stringify({ status, hcl, go: typeof globalThis.Go }) + '\\n');`;
    const run = (file: string): unknown => {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', probe, 'check', file, '--format', 'json'], { encoding: 'utf8' });
      return JSON.parse(/PROBE (.*)/.exec(child.stderr)![1]!);
    };
    const json = scratch({ 'td.json': JSON.stringify({ family: 'a', containerDefinitions: [{ name: 'a', image: 'nginx:1.27', privileged: true }] }) });
    expect(run(join(json, 'td.json'))).toEqual({ status: 1, hcl: false, go: 'undefined' });
    expect(run(join(fixtures, 'app'))).toEqual({ status: 1, hcl: true, go: 'function' });
  });
});
