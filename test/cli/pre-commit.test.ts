// The pre-commit hook (.pre-commit-hooks.yaml): its entry is the package's bin, its file filters
// pick ECS documents, templates and Terraform and leave the usual JSON and YAML alone, and the
// entry run as pre-commit runs it (entry, args, then the staged files) exits as it should.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { root, scratch } from '../helpers/cli.js';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  exclude: string;
  types: string[];
  pass_filenames: boolean;
  require_serial: boolean;
  args: string[];
}

const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'ecs-admission')!;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };

/** Whether pre-commit would pass a staged path to the hook (`re.search` on both patterns). */
const selected = (path: string): boolean => new RegExp(hook.files).test(path) && !new RegExp(hook.exclude).test(path);

/** Runs the hook's entry and args on files, as pre-commit does, with the package's bin for the command. */
function runEntry(cwd: string, files: string[]) {
  const [command, ...entryArgs] = hook.entry.split(' ');
  const result = spawnSync(process.execPath, [join(root, pkg.bin[command!]!), ...entryArgs, ...hook.args, ...files], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const PRIVILEGED = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] });
const FLAGGED_ONLY = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] });

describe('the pre-commit hook', () => {
  it('runs the package bin, as a node hook, on file names, in one process', () => {
    expect(hook).toMatchObject({ language: 'node', pass_filenames: true, require_serial: true, types: ['text'] });
    const [command, subcommand] = hook.entry.split(' ');
    expect(subcommand).toBe('check');
    expect(pkg.bin).toHaveProperty(command!);
    expect(existsSync(join(root, pkg.bin[command!]!))).toBe(true);
    expect(hook.args.slice(0, 2)).toEqual(['--fail-on', 'deny']);
  });

  it.each([
    ['task-definition.json', true],
    ['deploy/ecs/service.yaml', true],
    ['infra/stack.yml', true],
    ['terraform/ecs.tf', true],
    ['plans/plan.json', true],
    ['package.json', false],
    ['web/package-lock.json', false],
    ['tsconfig.build.json', false],
    ['.github/workflows/ci.yml', false],
    ['.pre-commit-config.yaml', false],
    ['node_modules/x/task.json', false],
    ['docker-compose.yml', false],
    ['terraform/.terraform/modules/modules.json', false],
    ['terraform.tfstate', false],
    ['README.md', false],
    ['main.tfvars', false],
  ])('%s is checked: %s', (path, expected) => {
    expect(selected(path)).toBe(expected);
  });

  it('exits 1 on a denied finding, 0 on flags only, 0 on Terraform without ECS resources, 2 on a file that is not ECS', () => {
    const dir = scratch({
      'td.json': PRIVILEGED,
      'flagged.json': FLAGGED_ONLY,
      'variables.tf': 'variable "region" {\n  type = string\n}\n',
      'settings.json': '{"editor.tabSize": 2}',
    });
    const denied = runEntry(dir, ['td.json', 'flagged.json']);
    expect(denied.status).toBe(1);
    expect(denied.stdout).toContain('no-privileged-containers');
    expect(runEntry(dir, ['flagged.json']).status).toBe(0);
    expect(runEntry(dir, ['variables.tf']).status).toBe(0);
    const notEcs = runEntry(dir, ['settings.json', 'flagged.json']);
    expect(notEcs.status).toBe(2);
    expect(notEcs.stdout).toContain('settings.json:1: not an ECS document');
  });
});
