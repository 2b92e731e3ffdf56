// --policy / --preset, shared by check and scan: the policies a command evaluates with.
import { loadPolicies } from '../adapters/policy-files.js';
import { PRESETS, type PresetName } from '../core/presets.js';
import { presetPolicy, type CompiledPolicy } from '../policy/engine.js';
import { builtinRules } from '../rules/index.js';
import { choice, UsageError, type Io, type OptionValues } from './io.js';

/**
 * The policies chosen, and the name reports give them; undefined when they do not load, after
 * printing each error with file:line (the command then exits with 2).
 */
export async function selectPolicies(values: OptionValues, now: Date, io: Io): Promise<{ policies: CompiledPolicy[]; name: string } | undefined> {
  const preset: PresetName = choice('--preset', values.preset ?? 'recommended', PRESETS);
  const paths = values.policy as string[] | undefined;
  if (!paths?.length) return { policies: [presetPolicy(preset, builtinRules)], name: preset };
  if (values.preset !== undefined) throw new UsageError('--preset and --policy exclude each other: a policy file chooses its preset with `extends`');
  const root = typeof values['policy-root'] === 'string' ? values['policy-root'] : undefined;
  const loaded = await loadPolicies(paths, builtinRules, now, root ? { root } : {});
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) io.stderr(`ecs-admission: ${e.message}\n`);
    return undefined;
  }
  if (loaded.policies.length === 0) throw new UsageError(`no policy found in ${paths.join(', ')}`);
  return { policies: loaded.policies, name: loaded.policies.map((p) => p.name).join(', ') };
}
