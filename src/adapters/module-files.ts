/** The files a Terraform module reads with `file()` and `templatefile()`, read from disk within bounds. */
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ReadModuleFile } from '../input/terraform/expressions.js';

/**
 * A reader of the files modules name: only regular files under the module directory's parent
 * (`../shared/x.json` is fine, `/etc/passwd` is not, symbolic links resolved first), no larger
 * than `maxBytes`. Each file is read once.
 */
export function moduleFileReader(maxBytes: number): ReadModuleFile {
  const cache = new Map<string, ReturnType<ReadModuleFile>>();
  return (dir, path) => {
    const key = resolve(dir, path);
    let read = cache.get(key);
    if (!read) cache.set(key, (read = readModuleFile(dir, path, maxBytes)));
    return read;
  };
}

function readModuleFile(dir: string, path: string, maxBytes: number): ReturnType<ReadModuleFile> {
  try {
    const root = realpathSync(resolve(dir, '..'));
    const target = realpathSync(resolve(dir, path));
    const inside = relative(root, target);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
      return { problem: `${path} is outside the module's parent directory, not read` };
    const stats = statSync(target);
    if (!stats.isFile()) return { problem: `${path} is not a regular file` };
    if (stats.size > maxBytes) return { problem: `${path} is larger than the limit of ${maxBytes} bytes (--max-file-size)` };
    const buffer = Buffer.alloc(stats.size);
    const fd = openSync(target, 'r');
    try {
      return { text: buffer.subarray(0, readSync(fd, buffer, 0, stats.size, 0)).toString('utf8') };
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `no such file ${path}` : `cannot read ${path} (${code ?? String(error)})` };
  }
}
