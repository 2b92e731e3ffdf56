/**
 * Each file is isolated: whatever one input does (an alias bomb, nesting thousands deep, a FIFO,
 * a device, a file too large, a syntax error in 5 MB of JSON), it is one error naming the file,
 * and every other input is still judged and reported (exit 2). Empty input is a clear message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (args: string[]) => runCli(['check', ...args]);

interface JsonReport {
  results: { source: { file: string }; status: string }[];
  errors: { source: string; line?: number; message: string }[];
}

const GOOD = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', privileged: true }] });
const billion = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefg'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
].join('\n');
const mergeBomb = ['a: &a {x: 1, y: 2}', ...'bcdef'.split('').map((n, i) => `${n}: &${n} {<<: [${Array(8).fill(`*${'abcdef'[i]}`).join(', ')}]}`)].join('\n');

const HOSTILE: Record<string, [string, RegExp]> = {
  'alias-bomb.yaml': [billion, /not valid YAML: aliases expand too far \(more than 100\): a YAML alias bomb\?/],
  'merge-bomb.yaml': [mergeBomb, /not valid YAML: aliases expand too far/],
  'unresolved.yaml': ['family: web\ncontainerDefinitions: *nowhere\n', /not valid YAML: .*nowhere/],
  'deep.json': [`${'['.repeat(5000)}${']'.repeat(5000)}`, /nested deeper than 128 levels/],
  'deep.yaml': [`x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /not valid YAML: nested deeper than 128 levels/],
  'deep-block.yaml': [Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + `\n${' '.repeat(200)}v: 1\n`, /nested deeper than 128 levels/],
};

describe('hostile files', () => {
  it('each is one error naming the file; the valid file beside them is still judged (exit 2)', async () => {
    const sub = join(dir, 'hostile');
    execFileSync('mkdir', ['-p', sub]);
    for (const [name, [text]] of Object.entries(HOSTILE)) writeFileSync(join(sub, name), text);
    writeFileSync(join(sub, 'good.json'), GOOD);
    const { status, stdout } = await check([sub, '--format', 'json']);
    expect(status).toBe(2);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.results.map((r) => [r.source.file.replace(sub, ''), r.status])).toEqual([['/good.json', 'fail']]);
    for (const [name, [, message]] of Object.entries(HOSTILE)) {
      const errors = report.errors.filter((e) => e.source.endsWith(name));
      expect(errors, name).toHaveLength(1);
      expect(errors[0]!.message, name).toMatch(message);
    }
  });

  it('a JSON file with a syntax error is never parsed again as YAML: a JSON error with its line', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, `[${Array.from({ length: 20_000 }, () => GOOD).join(',\n')},\n{"family": oops}]`);
    const { status, stdout } = await check([big, '--format', 'json']);
    expect(status).toBe(2);
    expect((JSON.parse(stdout) as JsonReport).errors).toEqual([
      { source: big, line: 20_001, message: "not valid JSON: Unexpected token 'o' (line 20001, column 18)" },
    ]);
  });

  it('never echoes the text around a syntax error (it may hold a secret)', async () => {
    const file = join(dir, 'leak.json');
    writeFileSync(file, '{"family": "web", "password": "hunter2-hunter2" x}');
    const { stdout, stderr } = await check([file]);
    expect(stdout + stderr).not.toContain('hunter2');
  });
});

describe('what is read', () => {
  it('only regular files from directories: a FIFO named like a document is an error, not a hang', async () => {
    const sub = join(dir, 'fifo');
    execFileSync('mkdir', ['-p', sub]);
    execFileSync('mkfifo', [join(sub, 'pipe.json')]);
    writeFileSync(join(sub, 'good.json'), GOOD);
    const { status, stdout } = await check([sub, '--format', 'json']);
    expect(status).toBe(2);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.errors).toEqual([{ source: join(sub, 'pipe.json'), message: 'not a regular file (a FIFO): only files and directories are read' }]);
    expect(report.results).toHaveLength(1);
  });

  it('a device named on the command line is refused, not read forever', async () => {
    const { status, stderr, stdout } = await check(['/dev/zero']);
    expect(status).toBe(2);
    expect(stdout + stderr).toContain('/dev/zero: not a regular file (a character device)');
  });

  it('a file larger than --max-file-size is refused by name, before it is read', async () => {
    const file = join(dir, 'large.json');
    writeFileSync(file, `[${Array.from({ length: 40 }, () => GOOD).join(',')}]`);
    const { status, stdout } = await check([file, '--max-file-size', '0.001', '--format', 'json']);
    expect(status).toBe(2);
    expect((JSON.parse(stdout) as JsonReport).errors[0]!.message).toMatch(/^0(\.\d)? MiB, larger than the limit of 0 MiB \(--max-file-size\)$/);
    expect((await check([file, '--max-file-size', 'lots'])).stderr).toContain('--max-file-size must be a positive number of MiB');
  });

  it('a symbolic link to a regular file is read', async () => {
    const sub = join(dir, 'links');
    execFileSync('mkdir', ['-p', sub]);
    writeFileSync(join(dir, 'target.json'), GOOD);
    symlinkSync(join(dir, 'target.json'), join(sub, 'link.json'));
    expect((await check([sub, '--fail-on', 'none'])).status).toBe(0);
  });
});

describe('empty input and exit status', () => {
  it('inputs with no ECS document are a clear message and exit 2, unless --allow-empty', async () => {
    const file = join(dir, 'sam-only.yaml');
    writeFileSync(file, 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn: { Type: AWS::Serverless::Function }\n');
    const { status, stderr } = await check([file]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/no ECS resource found in the inputs .*--allow-empty/);
    expect((await check([file, '--allow-empty'])).status).toBe(0);
  });

  it('a template whose ECS resources cannot be judged offline is not a clean exit 0 either', async () => {
    const file = join(dir, 'loop.yaml');
    writeFileSync(
      file,
      "Transform: AWS::LanguageExtensions\nParameters:\n  Names: { Type: CommaDelimitedList }\nResources:\n  'Fn::ForEach::Apps':\n    - Name\n    - !Ref Names\n    - 'TD${Name}': { Type: AWS::ECS::TaskDefinition, Properties: { ContainerDefinitions: [] } }\n",
    );
    const { status, stdout, stderr } = await check([file]);
    expect(status).toBe(2);
    expect(stdout).toContain('not judged  Fn::ForEach::Apps cannot be expanded: its collection !Ref Names is not a literal list');
    expect(stderr).toContain('nothing in the inputs could be judged (1 part not judged, see above)');
  });

  it('prints each error once: in the text report only', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"family": ');
    const { stdout, stderr } = await check([file]);
    expect(stdout.match(/not valid JSON/g)).toHaveLength(1);
    expect(stderr).toBe('');
  });
});
