import { closeSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { InputProblem, InputText } from '../use-cases/check.js';

const DOCUMENT = /\.(json|ya?ml|tf)$/i;

/** The largest file read by default, in MiB (`--max-file-size`). ECS documents are kilobytes; a template at most 1 MB. */
export const DEFAULT_MAX_FILE_MIB = 16;

/**
 * Reads the files named on the command line: directories recursively (JSON, YAML and Terraform
 * `.tf` files only, skipping dot folders such as `.terraform`, and node_modules), `-` for standard input. Only regular files are read:
 * a FIFO would hang, a device never ends. Every path that cannot be read, or is larger than
 * `maxBytes`, is a problem reported by name, never skipped silently.
 */
export function readInputs(paths: readonly string[], maxBytes: number, stdinFd = 0): { inputs: InputText[]; problems: InputProblem[] } {
  const inputs: InputText[] = [];
  const problems: InputProblem[] = [];
  const read = (path: string, fd?: number): void => {
    try {
      inputs.push({ source: path, text: readBounded(fd ?? path, maxBytes) });
    } catch (error) {
      problems.push({
        source: path,
        message: error instanceof TooLargeError ? error.message : `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
    }
  };
  const readRegular = (path: string, stats: Stats): void => {
    if (!stats.isFile()) problems.push({ source: path, message: `not a regular file (${fileKind(stats)}): only files and directories are read` });
    else if (stats.size > maxBytes) problems.push({ source: path, message: tooLarge(stats.size, maxBytes) });
    else read(path);
  };
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      problems.push({ source: dir, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path);
      } else if (DOCUMENT.test(entry.name)) {
        const stats = statOrProblem(path, problems);
        if (stats) readRegular(path, stats);
      }
    }
  };
  for (const path of paths) {
    if (path === '-') {
      read('-', stdinFd);
      continue;
    }
    const stats = statOrProblem(path, problems);
    if (!stats) continue;
    if (stats.isDirectory()) walk(path);
    else readRegular(path, stats);
  }
  return { inputs, problems };
}

function statOrProblem(path: string, problems: InputProblem[]): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push({ source: path, message: code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? String(error)}` });
    return undefined;
  }
}

class TooLargeError extends Error {}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
const tooLarge = (size: number | undefined, max: number): string =>
  `${size === undefined ? 'larger' : `${mib(size)}, larger`} than the limit of ${mib(max)} (--max-file-size)`;

/** Reads a file or a descriptor to its end, or throws once it passes `max` bytes (standard input has no size to check first). */
function readBounded(source: string | number, max: number): string {
  const fd = typeof source === 'number' ? source : openSync(source, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        // A non-blocking standard input with nothing yet: wait a little for it rather than fail.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(PAUSE, 0, 0, 10);
          continue;
        }
        throw error;
      }
      if (n === 0) break;
      total += n;
      if (total > max) throw new TooLargeError(tooLarge(undefined, max));
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    if (typeof source !== 'number') closeSync(fd);
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
