import { builtinRules } from '../../rules/index.js';
import { loadPolicies } from '../../adapters/policy-files.js';
import type { CompiledPolicy } from '../../policy/engine.js';
import { usesOrganizationalUnits } from '../../policy/engine.js';
import type { CommandArgs, Io } from '../io.js';

export const VALIDATE_USAGE = `Usage: ecs-admission validate [file|dir]...

Checks policy files (default: policies/): the schema (unknown fields are errors, with a
suggestion), rule ids, rule options, custom rules (CEL syntax and types), extends and
exception lifetimes. Every problem is printed with file, line and column. A policy scoped by
organizationalUnits gets a note: only the Lambdas look an account's OUs up; offline (check) such a
scope matches nothing.

Options:
  --policy-root <dir>  the directory \`extends\` may name files in (default: each file's own)

Exit status: 0 all valid, 2 a problem was found.`;

export async function runValidate(args: CommandArgs, io: Io): Promise<number> {
  const paths = args.positionals.length > 0 ? args.positionals : ['policies'];
  const root = typeof args.values['policy-root'] === 'string' ? args.values['policy-root'] : undefined;
  const { policies, errors } = await loadPolicies(paths, builtinRules, new Date(), root ? { root } : {});
  for (const error of errors) io.stderr(`${error.message}\n`);
  if (errors.length > 0) {
    io.stderr(`${errors.length} problem${errors.length === 1 ? '' : 's'} in ${paths.join(', ')}\n`);
    return 2;
  }
  if (policies.length === 0) {
    io.stderr(`no policy found in ${paths.join(', ')}\n`);
    return 2;
  }
  for (const note of organizationalUnitNotes(policies)) io.stdout(`${note}\n`);
  io.stdout(`${policies.length} polic${policies.length === 1 ? 'y' : 'ies'} valid: ${policies.map((p) => p.name).join(', ')}\n`);
  return 0;
}

/** A note per policy whose scope (or an exception's) names organizational units: they are unknown offline. */
export function organizationalUnitNotes(policies: readonly CompiledPolicy[]): string[] {
  return policies
    .filter((p) => usesOrganizationalUnits([p]))
    .map(
      (p) =>
        `${p.file}: note: policy "${p.name}" scopes by organizationalUnits: the Lambdas look each account's OUs up (Organizations ListParents); offline (check) an account's OUs are unknown and such a scope matches nothing`,
    );
}
