/**
 * The CEL runtime of custom rules: one shared cel-js environment, a per-evaluation cost limit,
 * and the mapping of evaluation errors to what the evaluator understands (`skip` for values
 * unknown offline, `error` for everything else).
 *
 * Evaluation is synchronous (no async function is registered) and never re-entrant, so the
 * cost meter and the reusable context below can be module state.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { CannotDecideError, UnknownValueError } from '../core/unknown.js';

/**
 * Parse-time structural limits. Policy expressions are one-liners; these only stop a
 * pathological policy file (cel-js's defaults: 100,000 nodes, depth 250).
 */
export const CEL_PARSE_LIMITS = {
  maxAstNodes: 2_000,
  maxDepth: 64,
  maxListElements: 500,
  maxMapEntries: 500,
  maxCallArguments: 16,
} as const;

/**
 * Runtime cost limit of one evaluation, in cost units. cel-js has no runtime budget, so we meter
 * its evaluator: every AST node evaluated costs 1, and a node that yields a string, list or bytes
 * costs its length on top. Every comprehension step is a node evaluation, so nested macros
 * (`a.all(x, b.all(y, …))`) pay |a|×|b|; every operation that is linear in a value's size needs
 * the node that yields the value, so `in`, `+`, `join`, `matches`… pay for the data they touch,
 * and doubling a value (`[s].map(x, x + x).map(…)`) pays for each doubling. An evaluation that
 * goes over the limit stops there and throws `CostLimitError`.
 *
 * 1,000,000 matches the per-expression limit of Kubernetes' CEL admission policies; reaching it
 * takes some 50 ms (nested `all` over 3,000 containers, on a busy 2-core machine). A realistic
 * rule on a 10-container task definition costs a few hundred to a thousand units.
 * `matches` runs on RE2 (re2js, see `useRe2`), in time linear in the string, so one regular
 * expression cannot stall an evaluation either: `^(a+)+$` on 100,000 characters takes some 90 ms,
 * where a backtracking engine would not finish.
 */
export const CEL_COST_LIMIT = 1_000_000;

export class CostLimitError extends Error {
  constructor(readonly limit: number) {
    super(`exceeded the cost limit of ${limit}`);
    this.name = 'CostLimitError';
  }
}

/** The evaluator cel-js uses internally: every child node is evaluated through `run`. */
interface CelEvaluator {
  run(ast: CelNode, ctx: unknown): unknown;
}
interface CelNode {
  evaluate(ev: CelEvaluator, ast: CelNode, ctx: unknown): unknown;
}

let remaining = 0;

const PROBE_FUNCTION = 'ecsAdmissionInternalProbe';

function createEnvironment(): Environment {
  let captured: unknown;
  const env = new Environment({ limits: CEL_PARSE_LIMITS, enableOptionalTypes: true })
    .registerVariable('object', 'dyn', { description: 'The resource, in the ECS API shape' })
    .registerVariable('request', 'map', { description: 'The API call that produced the resource, when known' })
    // cel-js calls function handlers with its evaluator as `this`: the one way to reach it.
    .registerFunction(`${PROBE_FUNCTION}(): bool`, function (this: unknown) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- capturing the evaluator is the point
      captured ??= this;
      return true;
    });
  env.evaluate(`${PROBE_FUNCTION}()`);
  const ev = captured as Partial<CelEvaluator> | undefined;
  if (!ev || typeof ev.run !== 'function') throw new Error('cannot install the CEL cost limit: the cel-js evaluator is not as expected');
  // Own property, same shape on every call: the metered `run` stays monomorphic.
  ev.run = function run(this: CelEvaluator, ast: CelNode, ctx: unknown): unknown {
    const value = ast.evaluate(this, ast, ctx);
    let cost = 1;
    if (typeof value === 'string') cost += value.length;
    else if (typeof value === 'object' && value !== null && (Array.isArray(value) || value instanceof Uint8Array)) cost += value.length;
    // Once over, `remaining` stays negative: every later node throws too, so an error that CEL
    // absorbs (`x || true`, exists) cannot let the evaluation go on.
    if ((remaining -= cost) < 0) throw new CostLimitError(CEL_COST_LIMIT);
    return value;
  };
  // Fail closed: if a cel-js upgrade stops routing evaluation through `run`, no rule compiles.
  remaining = 1_000;
  env.evaluate('[1, 2, 3].all(x, x > 0)');
  const spent = 1_000 - remaining;
  remaining = 0;
  if (spent < 6) throw new Error('cannot install the CEL cost limit: the cel-js evaluator does not meter comprehensions');
  return env;
}

let environment: Environment | undefined;
/** The shared environment; creating one is expensive, so it is made once, on first use. */
export const celEnvironment = (): Environment => (environment ??= createEnvironment());

export type CelProgram = ParseResult;

/** Reused for every evaluation (no allocation on the hot path), cleared after each. */
const context: { object: unknown; request: unknown } = { object: undefined, request: undefined };

/**
 * Evaluates a checked program within the cost limit. Throws `CostLimitError` over the limit, the
 * `CannotDecideError` of an unknown value the expression could not do without, or the error cel-js
 * threw.
 */
export function runProgram(program: CelProgram, object: object, request: object): unknown {
  context.object = inputView(object);
  context.request = request;
  remaining = CEL_COST_LIMIT;
  try {
    const value: unknown = program(context);
    // Defence in depth: should cel-js ever absorb the error with no node evaluated after it.
    if (remaining < 0) throw new CostLimitError(CEL_COST_LIMIT);
    return value;
  } catch (error) {
    if (remaining < 0 || error instanceof CostLimitError) throw new CostLimitError(CEL_COST_LIMIT);
    throw cannotDecideIn(error) ?? error;
  } finally {
    context.object = undefined;
    context.request = undefined;
  }
}

/** The `CannotDecideError` (an unknown value read) behind an error, possibly as its cause. */
export function cannotDecideIn(error: unknown): CannotDecideError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof CannotDecideError) return e;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Partial resources (UpdateService): a top-level field the request leaves out is unknown, and the
// guard proxy throws when it is *read*. cel-js tests presence first (`Object.hasOwn`, for `has()`
// and for field access), which the guard does not see: `has(object.enableExecuteCommand)` would be
// false instead of unknown. The view below makes presence tests of such fields throw too.

const PROBE_KEY = '\u0000ecs-admission:probe';
const partialViews = new WeakMap<object, object>();

function inputView(object: object): object {
  try {
    // A complete resource, plain or guarded, returns undefined; a partial one throws.
    if ((object as Record<string, unknown>)[PROBE_KEY] === undefined) return object;
  } catch (error) {
    if (error instanceof UnknownValueError) return partialView(object, error.expression);
    throw error;
  }
  return object;
}

function partialView(object: object, reason: string): object {
  let view = partialViews.get(object);
  if (!view) {
    view = new Proxy(object, {
      getOwnPropertyDescriptor(target, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
        if (descriptor === undefined && typeof key === 'string') throw new UnknownValueError(key, reason);
        return descriptor;
      },
      has(target, key) {
        if (!Reflect.has(target, key) && typeof key === 'string') throw new UnknownValueError(key, reason);
        return true;
      },
      ownKeys() {
        throw new CannotDecideError(`the fields of the resource are not all known (${reason})`);
      },
    });
    partialViews.set(object, view);
  }
  return view;
}

// ---------------------------------------------------------------------------------------------
// `matches` on RE2. CEL specifies RE2 syntax and semantics for `matches`; cel-js runs it on
// JavaScript's backtracking RegExp, where `^(a+)+$` takes exponential time. Each `matches` call
// of a compiled program is pointed at RE2 instead (re2js, a pure JavaScript port: no native code
// in the Lambda): linear time, RE2 syntax (no lookbehind, no backreferences), unanchored as CEL's.

interface CelAstNode {
  op: string;
  args: unknown;
  start?: number;
  setMeta(key: string, value: unknown): unknown;
}

const isNode = (value: unknown): value is CelAstNode =>
  typeof value === 'object' && value !== null && typeof (value as CelAstNode).op === 'string' && typeof (value as CelAstNode).setMeta === 'function';

const patterns = new Map<string, RE2JS>();
/** A compiled pattern, cached (bounded): patterns come from policies and repeat. */
export function re2(pattern: string): RE2JS {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern);
    if (patterns.size >= 1_000) patterns.clear();
    patterns.set(pattern, compiled);
  }
  return compiled;
}

export class RegexSyntaxError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegexSyntaxError';
  }
}

function evaluateMatches(ev: CelEvaluator, ast: CelAstNode, ctx: unknown): unknown {
  const [, receiver, args] = ast.args as [string, CelNode, CelNode[]];
  const text = ev.run(receiver, ctx);
  const pattern = ev.run(args[0]!, ctx);
  // With the node's range, as cel-js's own errors have it: the message names the position.
  const failure = (message: string): Error => Object.assign(new Error(message), { range: { start: ast.start ?? 0 } });
  if (typeof text !== 'string' || typeof pattern !== 'string')
    throw failure("found no matching overload for 'matches' (a string and a string pattern are needed)");
  let compiled: RE2JS;
  try {
    compiled = re2(pattern);
  } catch (error) {
    throw failure(`Invalid regular expression (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`);
  }
  return compiled.matcher(text).find();
}

/**
 * Points every `matches` call of a parsed program at RE2, and checks its literal patterns now:
 * a pattern RE2 rejects is a compile error (`RegexSyntaxError`, with its position), not an
 * evaluation error on the first resource.
 */
export function useRe2(program: CelProgram): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isNode(value)) return;
    const args = value.args;
    if (value.op === 'rcall' && Array.isArray(args) && args[0] === 'matches' && Array.isArray(args[2]) && args[2].length === 1) {
      const pattern = args[2][0] as CelAstNode;
      if (pattern.op === 'value' && typeof pattern.args === 'string') {
        try {
          re2(pattern.args);
        } catch (error) {
          throw new RegexSyntaxError(
            (pattern.start ?? 0) + 1,
            `invalid regular expression (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      value.setMeta('evaluate', evaluateMatches);
    }
    visit(args);
    const meta = (value as { meta?: { macro?: unknown; alternate?: unknown } }).meta;
    visit(meta?.macro);
    visit(meta?.alternate);
  };
  visit((program as { ast?: unknown }).ast);
}
