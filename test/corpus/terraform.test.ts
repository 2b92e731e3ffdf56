/**
 * Real public Terraform (provenance in terraform/PROVENANCE.md): modules as people write them
 * (`jsonencode`, heredocs, `file()`, `templatefile()`, `data "template_file"`, `for_each`, child
 * modules, variables everywhere) and a `terraform show -json` plan.
 *
 * As for the other corpus: the verdict of every strict-preset rule on every resource is held to
 * terraform-verdicts.json (reviewed when generated; `npm run generate` rewrites it), and the facts
 * that make each module worth keeping are asserted by hand, independently of that file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { moduleFileReader } from '../../src/adapters/module-files.js';
import { builtinRules } from '../../src/rules/index.js';
import { verdictsOf, verdictsOfModule, type FileVerdicts } from '../../src/use-cases/corpus-verdicts.js';

interface Entry {
  file: string;
  repository: string;
  kind: 'terraform-module' | 'terraform-plan';
  files: { name: string; commit: string }[];
  features: string[];
}

const corpus = import.meta.dirname;
const dir = join(corpus, 'terraform');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[];
const expected = JSON.parse(readFileSync(join(corpus, 'terraform-verdicts.json'), 'utf8')) as Record<string, FileVerdicts>;
const actual = new Map<string, FileVerdicts>();
const tfFiles = (entry: Entry): string[] => entry.files.map((f) => f.name).filter((name) => name.endsWith('.tf'));
const text = (entry: Entry, name: string): string => readFileSync(join(dir, entry.file, name), 'utf8');

beforeAll(async () => {
  // Read as `check` reads them: files named by file()/templatefile() come from disk, within the module's parent.
  const readModuleFile = moduleFileReader(1 << 20);
  for (const entry of manifest) {
    if (entry.kind === 'terraform-plan') {
      actual.set(entry.file, verdictsOf(readFileSync(join(dir, entry.file), 'utf8'), entry.file, builtinRules));
      continue;
    }
    const files = tfFiles(entry).map((name) => ({ source: `${entry.file}/${name}`, text: text(entry, name) }));
    actual.set(entry.file, await verdictsOfModule(files, builtinRules, (module, path) => readModuleFile(join(dir, module), path)));
  }
});

const entry = (needle: string): Entry => {
  const found = manifest.filter((e) => e.file.includes(needle));
  expect(found, needle).toHaveLength(1);
  return found[0]!;
};
const resources = (needle: string) => actual.get(entry(needle).file)?.resources ?? [];
/** The verdict of a rule on the one resource of that kind in a module. */
const verdict = (needle: string, kind: string, ruleId: string): string => {
  const ofKind = resources(needle).filter((r) => r.kind === kind);
  expect(ofKind, `${needle} ${kind}`).toHaveLength(1);
  return ofKind[0]!.rules[ruleId] ?? 'off';
};

/** ECS resources Terraform would create: counted in the source text (or the plan), independently of the readers. */
function ecsResourcesIn(e: Entry): number {
  if (e.kind === 'terraform-plan') {
    const plan = JSON.parse(readFileSync(join(dir, e.file), 'utf8')) as { resource_changes: { type: string; change: { actions: string[] } }[] };
    return plan.resource_changes.filter((c) => /^aws_ecs_(task_definition|service|task_set)$/.test(c.type) && !c.change.actions.includes('delete')).length;
  }
  return tfFiles(e).reduce((n, name) => n + [...text(e, name).matchAll(/^\s*resource\s+"aws_ecs_(task_definition|service|task_set)"/gm)].length, 0);
}

describe('the Terraform corpus', () => {
  it('holds at least 15 modules and plans from at least 12 repositories, both kinds, exactly the files listed', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(15);
    expect(new Set(manifest.map((e) => e.repository)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(manifest.map((e) => e.kind))).toEqual(new Set(['terraform-module', 'terraform-plan']));
    for (const e of manifest.filter((m) => m.kind === 'terraform-module')) {
      const onDisk = readdirSync(join(dir, e.file), { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => join(d.parentPath, d.name).slice(join(dir, e.file).length + 1));
      expect(onDisk.sort(), e.file).toEqual(e.files.map((f) => f.name).sort());
    }
  });

  it('reads every module and plan: no file error, and every ECS resource of the text is judged', () => {
    for (const e of manifest) {
      const result = actual.get(e.file)!;
      expect(result.error, e.file).toBeUndefined();
      expect(result.errors, e.file).toBeUndefined();
      expect(result.resources?.length ?? 0, e.file).toBe(ecsResourcesIn(e));
    }
    // Not vacuous: all but the module that only calls child modules hold ECS resources.
    expect(manifest.filter((e) => ecsResourcesIn(e) === 0).map((e) => e.file)).toEqual([entry('ecs-blueprints').file]);
  });

  for (const e of manifest) {
    it(`gives the reviewed verdict of every rule on every resource: ${e.file}`, () => {
      expect(actual.get(e.file)).toEqual(expected[e.file]);
    });
  }
});

describe('what each Terraform module is kept for', () => {
  it('a privileged agent in host network and PID namespaces fails those rules', () => {
    for (const ruleId of ['no-privileged-containers', 'no-host-network-mode', 'no-host-pid-mode', 'no-sensitive-host-path-volumes'])
      expect(verdict('PC_ECS_EC2_DEFENDER_TF', 'taskDefinition', ruleId), ruleId).toMatch(/^fail/);
  });

  it('host path volumes written as HCL blocks fail, beside container definitions the reader cannot see', () => {
    for (const needle of ['learning-center-assets', 'riboseinc']) {
      const agent = resources(needle).find((r) => r.kind === 'taskDefinition' && /datadog/.test(r.name))!;
      expect(agent.rules['no-sensitive-host-path-volumes'], needle).toMatch(/^fail/);
      // The containers come from a template with an unknown variable: never a pass.
      expect(agent.rules['no-privileged-containers'], needle).not.toBe('pass');
      expect(agent.rules['no-secrets-in-environment'], needle).toBe('unknown');
    }
  });

  it('assign_public_ip = true fails no-public-ip, in source and in a plan; false passes', () => {
    for (const needle of ['Jenkins-Servidor', 'sk3ma', 'tfplan.json']) expect(verdict(needle, 'service', 'no-public-ip'), needle).toMatch(/^fail/);
    expect(verdict('WeatherApp', 'service', 'no-public-ip')).toBe('pass');
    expect(verdict('WeatherApp', 'service', 'require-deployment-circuit-breaker')).toBe('pass');
  });

  it('a service is judged with the task definition of its module (by .arn or .id)', () => {
    for (const needle of ['Jenkins-Servidor', 'sk3ma', 'PC_ECS_EC2_DEFENDER_TF', 'service-hello-world'])
      expect(verdict(needle, 'service', 'require-compliant-task-definition'), needle).toMatch(/^fail/);
    // The plan's task definition breaks no deny rule of the preset: judged (not `skip`, as without one), and passed.
    expect(verdict('tfplan.json', 'service', 'require-compliant-task-definition')).toBe('pass');
    // Its task definition cannot be judged whole: neither can the service.
    for (const needle of ['WeatherApp', 'noi-techpark', 'nri-ecs__terraform'])
      expect(verdict(needle, 'service', 'require-compliant-task-definition'), needle).toBe('unknown');
  });

  it('image = var.… leaves the image rules unknown, a literal image is judged', () => {
    for (const needle of ['WeatherApp', 'DavidRamage']) {
      expect(verdict(needle, 'taskDefinition', 'require-image-digest'), needle).toBe('unknown');
      expect(verdict(needle, 'taskDefinition', 'no-mutable-image-tags'), needle).toBe('unknown');
    }
    for (const needle of ['sk3ma', 'Jenkins-Servidor', 'tfplan.json']) expect(verdict(needle, 'taskDefinition', 'no-mutable-image-tags'), needle).toMatch(/^fail/);
  });

  it('literal container definitions (heredoc, jsonencode of literals, a plan) leave no rule unknown', () => {
    for (const needle of ['service-hello-world', 'aws-saa', 'sk3ma', 'Jenkins-Servidor', 'PC_ECS_EC2_DEFENDER_TF']) {
      const td = resources(needle).find((r) => r.kind === 'taskDefinition')!;
      expect(Object.entries(td.rules).filter(([, v]) => v === 'unknown' || v === 'error'), needle).toEqual([]);
    }
  });

  it('EFS volumes without transit encryption fail; a file() of a missing file is named, its containers unknown', () => {
    expect(verdict('kics', 'taskDefinition', 'require-efs-transit-encryption')).toBe('fail:2');
    expect(verdict('kics', 'taskDefinition', 'require-efs-iam-authorization')).toBe('pass');
    expect(verdict('kics', 'taskDefinition', 'no-privileged-containers')).toBe('unknown');
    expect(actual.get(entry('kics').file)!.unjudged).toEqual([expect.stringContaining('task-definitions/service.json')]);
  });

  it('volumes from a dynamic block over a variable, and containers from file(var…), are unknown (CRLF source)', () => {
    for (const ruleId of ['require-efs-transit-encryption', 'no-host-path-volumes', 'no-privileged-containers'])
      expect(verdict('noi-techpark', 'taskDefinition', ruleId), ruleId).toBe('unknown');
  });

  it('for_each over variables: one task definition and one service, nothing passed that depends on each.value', () => {
    expect(resources('sibabalwe47').map((r) => r.kind).sort()).toEqual(['service', 'taskDefinition']);
    expect(verdict('sibabalwe47', 'taskDefinition', 'require-awsvpc-network-mode')).toBe('unknown');
    expect(verdict('sibabalwe47', 'taskDefinition', 'require-task-role')).toBe('unknown');
  });

  it('a plan: what is known only after apply stays unknown, what it shows is judged', () => {
    expect(verdict('tfplan.json', 'service', 'require-latest-fargate-platform')).toBe('unknown');
    expect(verdict('tfplan.json', 'taskDefinition', 'require-readonly-root-filesystem')).toBe('pass');
    expect(verdict('tfplan.json', 'taskDefinition', 'require-log-configuration')).toBe('pass');
  });

  // A module call (terraform-aws-modules/ecs//modules/service with enable_execute_command) is not
  // expanded: it is reported as not judged, so the directory never checks as an empty pass.
  it('a module whose ECS resources all come from child modules says so', () => {
    expect(actual.get(entry('ecs-blueprints').file)!.unjudged).toContainEqual(expect.stringContaining('module "ecs_service_definition"'));
  });
});
