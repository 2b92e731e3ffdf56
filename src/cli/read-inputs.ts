import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InputProblem, InputText } from '../app/check.js';

const DOCUMENT = /\.(json|ya?ml)$/i;

/**
 * Reads the files named on the command line: directories recursively (JSON and YAML files only,
 * skipping dot folders and node_modules), `-` for standard input. A path that cannot be read is
 * a problem reported by name, never skipped silently.
 */
export function readInputs(paths: readonly string[], readStdin: () => string): { inputs: InputText[]; problems: InputProblem[] } {
  const inputs: InputText[] = [];
  const problems: InputProblem[] = [];
  const readFile = (path: string): void => {
    try {
      inputs.push({ source: path, text: readFileSync(path, 'utf8') });
    } catch (error) {
      problems.push({ source: path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path);
      } else if (DOCUMENT.test(entry.name)) readFile(path);
    }
  };
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ source: '-', text: readStdin() });
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      problems.push({ source: path, message: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${String(error)}` });
      continue;
    }
    if (isDirectory) walk(path);
    else readFile(path);
  }
  return { inputs, problems };
}
