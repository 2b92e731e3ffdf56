/** Runs the CLI in-process, with its output captured, and makes scratch folders. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export const root = join(import.meta.dirname, '../..');

export async function runCli(args: string[], options: { isTTY?: boolean; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: options.isTTY ?? false, env: options.env ?? {}, cwd: root };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

/** A new scratch folder holding `files` (name → text); names may hold folders, and `../` (under `parent`). */
export function scratch(files: Record<string, string> = {}, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'ecs-admission-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A policy document with the given `spec` body (YAML, indented for you). */
export const policyText = (name: string, spec: string): string =>
  `apiVersion: ecs-admission/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
