/**
 * Compiled policies as one JSON document: what `ecs-admission compile` writes (at package time,
 * through the serverless plugin) and what the Lambdas read. Everything a policy file can hold
 * has been checked when the bundle is written (schema, rule ids and options, extends resolved,
 * CEL compiled), so reading one needs no YAML reader and no policy file; only custom rules are
 * compiled again, from their CEL source, and keep the file and line they were written at.
 *
 * ```json
 * { "format": "ecs-admission/compiled-policies", "version": 1, "compiledBy": "ecs-admission 0.1.0",
 *   "sources": ["policies/recommended.yaml"],
 *   "customRules": [{ "where": { "file": "…", "line": 12, "column": 17 }, "spec": { "id": "…", … } }],
 *   "policies": [{ "name": "recommended", "file": "policies/recommended.yaml", "mode": "audit",
 *                  "rules": [{ "id": "no-privileged-containers", "action": "deny" }, …],
 *                  "customRules": [0], "exceptions": [] }] }
 * ```
 */
import * as z from '../zod.js';
import type { RuleChoice } from '../core/rule-set.js';
import type { Rule } from '../core/rule.js';
import { ACTIONS, ON_ERROR, SEVERITIES } from '../core/types.js';
import type { compileCustomRule } from './custom-rule.js';
import type { CompiledCustomRule, CompiledPolicy } from './engine.js';
import { CustomRuleError, pathText, PolicyError } from './errors.js';
import { CustomRuleSchema, ExceptionSchema, MatchSchema } from './schema.js';

export const BUNDLE_FORMAT = 'ecs-admission/compiled-policies';
export const BUNDLE_VERSION = 1;

const BundledChoiceSchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  action: z.enum(ACTIONS),
  severity: z.optional(z.enum(SEVERITIES)),
  options: z.optional(z.unknown()),
  onError: z.optional(z.enum(ON_ERROR)),
});

const BundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  compiledBy: z.string(),
  /** The policy files and directories compiled, as given. */
  sources: z.array(z.string()),
  /** Every custom rule once, however many policies use it (a base file's rules reach each policy extending it). */
  customRules: z.array(
    z.strictObject({
      where: z.strictObject({ file: z.string(), line: z.optional(z.int()), column: z.optional(z.int()) }),
      spec: CustomRuleSchema,
    }),
  ),
  policies: z.array(
    z.strictObject({
      name: z.string().check(z.minLength(1)),
      file: z.string(),
      mode: z.enum(['audit', 'enforce']),
      onError: z.optional(z.enum(ON_ERROR)),
      match: z.optional(MatchSchema),
      exclude: z.optional(MatchSchema),
      /** In the policy's order, which is the order of the results. */
      rules: z.array(BundledChoiceSchema),
      /** Indexes into the bundle's `customRules`. */
      customRules: z.array(z.int().check(z.nonnegative())),
      exceptions: z.array(ExceptionSchema),
    }),
  ),
});

export type PolicyBundle = z.infer<typeof BundleSchema>;

/** The bundle of compiled policies: plain JSON, the same for the same policies. */
export function toBundle(policies: readonly CompiledPolicy[], about: { sources: readonly string[]; compiledBy: string }): PolicyBundle {
  const customRules: CompiledCustomRule[] = [];
  const indexOf = (custom: CompiledCustomRule): number => {
    let index = customRules.findIndex((c) => c.rule === custom.rule);
    if (index < 0) index = customRules.push(custom) - 1;
    return index;
  };
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    compiledBy: about.compiledBy,
    sources: [...about.sources],
    policies: policies.map((p) => ({
      ...identity(p),
      rules: [...p.choices].map(([id, c]) => ({
        id,
        action: c.action,
        ...(c.severity ? { severity: c.severity } : {}),
        ...(c.options !== undefined ? { options: c.options } : {}),
        ...(c.onError ? { onError: c.onError } : {}),
      })),
      customRules: p.customRules.map(indexOf),
      exceptions: p.exceptions.map((e) => e.spec),
    })),
    // Filled while the policies were mapped above.
    customRules: customRules.map(({ spec, where }) => ({ where: { ...where }, spec })),
  };
}

/** Whether reading the bundle needs the CEL compiler: the caller then loads it (a cold-start cost otherwise). */
export function bundleHasCustomRules(json: unknown): boolean {
  const customRules = (json as { customRules?: unknown } | null)?.customRules;
  return Array.isArray(customRules) && customRules.length > 0;
}

/**
 * Reads a bundle back into policies ready to apply. `file` names the bundle in errors: a
 * `PolicyError` naming the field (`compiled/policies.json: policies[0].mode: …`) when the JSON is
 * not a bundle, has a format version this code does not read, or names a rule it does not know.
 */
export function fromBundle(
  json: unknown,
  file: string,
  builtinRules: readonly Rule[],
  options: { compileCustomRule?: typeof compileCustomRule } = {},
): CompiledPolicy[] {
  const fail = (path: readonly PropertyKey[], detail: string): never => {
    throw new BundleError(file, path.length > 0 ? `${pathText(path)}: ${detail}` : detail, sourceOf(json, path));
  };
  const recompile = 'compile the policies again with this version of ecs-admission (ecs-admission compile)';
  if (typeof json !== 'object' || json === null || Array.isArray(json) || (json as { format?: unknown }).format !== BUNDLE_FORMAT) {
    fail([], `not a compiled policy bundle (expected "format": "${BUNDLE_FORMAT}"); policy files are compiled into one with ecs-admission compile`);
  }
  const version = (json as { version?: unknown }).version;
  if (version !== BUNDLE_VERSION)
    fail(['version'], `format version ${JSON.stringify(version)} is not one this ecs-admission reads (${BUNDLE_VERSION}): ${recompile}`);
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    fail(issue.path, `${issue.message}${more}`);
  }
  const bundle = parsed.data!;

  const builtinIds = new Set(builtinRules.map((r) => r.id));
  const customRules = bundle.customRules.map(({ spec, where }, i): CompiledCustomRule => {
    if (!options.compileCustomRule) return fail(['customRules', i], 'the CEL compiler is not loaded (pass compileCustomRule to fromBundle)');
    try {
      return { rule: options.compileCustomRule(spec, where, builtinIds), spec, where };
    } catch (error) {
      // The CEL library changed since the bundle was written: the error points at the source.
      if (error instanceof CustomRuleError) return fail(['customRules', i], `${error.message}; ${recompile}`);
      throw error;
    }
  });

  return bundle.policies.map((p, i) => {
    const own = p.customRules.map((n, j) => customRules[n] ?? fail(['policies', i, 'customRules', j], `no custom rule ${n} in the bundle`));
    const rules = new Map([...builtinRules, ...own.map((c) => c.rule)].map((r) => [r.id, r] as const));
    const choices = new Map<string, RuleChoice>();
    p.rules.forEach(({ id, ...choice }, j) => {
      if (!rules.has(id)) fail(['policies', i, 'rules', j, 'id'], `unknown rule "${id}": ${recompile}`);
      choices.set(id, choice);
    });
    return {
      ...identity(p),
      choices,
      customRules: own,
      rules,
      exceptions: p.exceptions.map((spec, index) => ({ policy: p.name, file: p.file, index, spec, applied: 0, missed: 0 })),
    };
  });
}

/** The policy file (and line, for a custom rule) behind a place in a bundle, as far as the bundle says. */
export interface BundleSource {
  file: string;
  line?: number;
  /** The policy's name, for a place inside one. */
  policy?: string;
}

/** A bundle that cannot be read; `source` names the policy file behind the problem, when the bundle says. */
export class BundleError extends PolicyError {
  constructor(
    file: string,
    detail: string,
    readonly source?: BundleSource,
  ) {
    super(file, detail);
  }
}

function sourceOf(json: unknown, path: readonly PropertyKey[]): BundleSource | undefined {
  const [list, index] = path;
  if (typeof index !== 'number') return undefined;
  const entry = ((json as Record<string, unknown> | null)?.[String(list)] as unknown[] | undefined)?.[index] as Record<string, unknown> | undefined;
  if (list === 'policies' && typeof entry?.file === 'string') return { file: entry.file, ...(typeof entry.name === 'string' ? { policy: entry.name } : {}) };
  const where = entry?.where as { file?: unknown; line?: unknown } | undefined;
  if (list === 'customRules' && typeof where?.file === 'string') return { file: where.file, ...(typeof where.line === 'number' ? { line: where.line } : {}) };
  return undefined;
}

/** What a policy is called, where it comes from and what it applies to: the same in a bundle and compiled. */
function identity(
  p: Pick<CompiledPolicy, 'name' | 'file' | 'mode' | 'onError' | 'match' | 'exclude'>,
): Pick<CompiledPolicy, 'name' | 'file' | 'mode' | 'onError' | 'match' | 'exclude'> {
  return {
    name: p.name,
    file: p.file,
    mode: p.mode,
    ...(p.onError ? { onError: p.onError } : {}),
    ...(p.match ? { match: p.match } : {}),
    ...(p.exclude ? { exclude: p.exclude } : {}),
  };
}
