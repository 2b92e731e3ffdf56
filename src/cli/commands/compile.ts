import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadPolicies } from '../../adapters/policy-files.js';
import { toBundle } from '../../policy/bundle.js';
import type { CompiledPolicy } from '../../policy/engine.js';
import { builtinRules } from '../../rules/index.js';
import { UsageError, type CommandArgs, type Io } from '../io.js';
import { VERSION } from '../version.js';

export const COMPILE_USAGE = `Usage: ecs-admission compile <file|dir>... --out <file>

Checks policy files as \`validate\` does and writes them, compiled, to one JSON file: what the
Lambda reads (the serverless plugin runs this at package time), so that it needs neither the
policy files nor a YAML reader at run time. Custom rules keep their CEL source, file and line.

Options:
  --out <file>         where to write the compiled policies (JSON; folders are created)
  --policy-root <dir>  the directory \`extends\` may name files in (default: each file's own)

Exit status: 0 written, 2 a problem was found (nothing is written).`;

/** The policies compiled into one bundle, as `compile` writes it and `policy push` uploads it. */
export const bundleText = (policies: readonly CompiledPolicy[], sources: readonly string[]): string =>
  `${JSON.stringify(toBundle(policies, { sources, compiledBy: `ecs-admission ${VERSION}` }), null, 2)}\n`;

export async function runCompile(args: CommandArgs, io: Io): Promise<number> {
  const out = args.values.out;
  if (typeof out !== 'string' || out === '') throw new UsageError('--out <file> is required: where to write the compiled policies');
  if (args.positionals.length === 0) throw new UsageError('name the policy files or directories to compile');
  const paths = args.positionals;
  const root = typeof args.values['policy-root'] === 'string' ? args.values['policy-root'] : undefined;
  const { policies, errors } = await loadPolicies(paths, builtinRules, new Date(), root ? { root } : {});
  for (const error of errors) io.stderr(`${error.message}\n`);
  if (errors.length > 0) {
    io.stderr(`${errors.length} problem${errors.length === 1 ? '' : 's'} in ${paths.join(', ')}: nothing written\n`);
    return 2;
  }
  if (policies.length === 0) {
    io.stderr(`no policy found in ${paths.join(', ')}: nothing written\n`);
    return 2;
  }
  // Relative to the working directory, as the policy paths are.
  mkdirSync(dirname(out), { recursive: true });
  // Written whole or not at all: a package never picks up half a file.
  const partial = `${out}.${process.pid}.tmp`;
  writeFileSync(partial, bundleText(policies, paths));
  renameSync(partial, out);
  io.stdout(`${policies.length} polic${policies.length === 1 ? 'y' : 'ies'} compiled to ${out}: ${policies.map((p) => p.name).join(', ')}\n`);
  return 0;
}
