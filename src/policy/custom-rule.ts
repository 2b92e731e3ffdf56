/**
 * Custom rules: a policy's CEL expressions, compiled once into ordinary rules.
 *
 * ```yaml
 * customRules:
 *   - id: require-owner-tag
 *     appliesTo: [taskDefinition]
 *     expression: "has(object.tags) && object.tags.exists(t, t.key == 'Owner')"   # true = pass
 *     message: "task definitions must carry an Owner tag"   # or messageExpression: "'…' + object.family"
 *     severity: medium
 *     action: flag
 * ```
 *
 * Variables: `object`, the normalized resource (ECS API shape, camelCase), and `request`, a map
 * with what is known of the API call (principalArn, eventName, account, region, eventId,
 * eventTime); empty offline. JSON numbers are CEL doubles: comparisons and equality with int
 * literals work (`c.memory >= 256`), arithmetic needs matching types (`int(c.memory) + 128`,
 * `c.memory + 128.0`). Optional chaining is on (`object.?tags.orValue([])`).
 *
 * The rule passes when the expression gives `true` and reports one finding when it gives
 * `false`. Anything else is never a pass: an unknown value the expression needs (CloudFormation
 * intrinsics, fields an UpdateService request leaves out) gives `skip` naming the field; a
 * non-bool result, an evaluation error or going over the cost limit (see `CEL_COST_LIMIT`)
 * gives `error`.
 */
import * as z from '../zod.js';
import { defineRule, type Rule } from '../core/rule.js';
import { ACTIONS, KIND_NAMES, RESOURCE_KINDS, SEVERITIES, type Action, type OnError, type ResourceKind, type Severity } from '../core/types.js';
import { maskValuesIn } from '../core/secrets/mask.js';
import { sensitiveValues } from '../core/secrets/redact.js';
import type { Resource } from '../core/types.js';
import { CannotDecideError } from '../core/unknown.js';
import { celEnvironment, CostLimitError, RegexSyntaxError, runProgram, useRe2, type CelProgram } from './cel-runtime.js';
import { isShapeError, typedEnvironment } from './cel-types.js';
import { CustomRuleError, type SpecLocation } from './errors.js';

export { CEL_COST_LIMIT, CEL_PARSE_LIMITS } from './cel-runtime.js';
export { CustomRuleError, type SpecLocation } from './errors.js';

export interface CustomRuleSpec {
  id: string;
  appliesTo: ResourceKind[];
  /** CEL; `true` means the resource passes. */
  expression: string;
  /** Exactly one of `message` and `messageExpression` (CEL giving a string). */
  message?: string;
  messageExpression?: string;
  severity: Severity;
  action: Action;
  /** What an error of the rule counts as (the policy's default, else `flag`). */
  onError?: OnError;
  title?: string;
  description?: string;
  remediation?: string;
  /** JSON path of the field the finding points at, such as `tags`; default `''` (the resource). */
  path?: string;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NO_REQUEST: object = Object.freeze({});

/**
 * Compiles a custom rule once: parses and type checks its expressions (`object` is `dyn`,
 * `request` a `map`). Throws `CustomRuleError` for a syntax or type error, an expression that
 * cannot give a bool (or a messageExpression a string), an id taken by a built-in rule, or
 * neither or both of `message` and `messageExpression`.
 */
export function compileCustomRule(spec: CustomRuleSpec, where: SpecLocation, builtinIds: ReadonlySet<string>): Rule {
  const id = typeof spec.id === 'string' ? spec.id : '';
  const fail = (detail: string): never => {
    throw new CustomRuleError(where, id, detail);
  };

  if (!ID_PATTERN.test(id)) fail(`id must be a non-empty name of letters, digits, '-', '_' and '.', got ${JSON.stringify(spec.id)}`);
  if (builtinIds.has(id)) fail(`id "${id}" is the id of a built-in rule; give the custom rule another id`);
  const appliesTo = checkAppliesTo(spec.appliesTo, fail);
  if (!(SEVERITIES as readonly unknown[]).includes(spec.severity))
    fail(`severity must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(spec.severity)}`);
  if (!(ACTIONS as readonly unknown[]).includes(spec.action)) fail(`action must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(spec.action)}`);
  for (const key of ['title', 'description', 'remediation', 'path', 'message', 'messageExpression'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') fail(`${key} must be a string`);
  }
  const hasMessage = spec.message !== undefined;
  const hasMessageExpression = spec.messageExpression !== undefined;
  if (hasMessage === hasMessageExpression) {
    fail(hasMessage ? 'give message or messageExpression, not both' : 'give a message or a messageExpression for the findings');
  }
  if (hasMessage && spec.message!.trim() === '') fail('message must not be empty');

  let env;
  try {
    env = celEnvironment();
  } catch (error) {
    return fail(`the CEL runtime is unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const compile = (field: 'expression' | 'messageExpression', source: unknown, type: 'bool' | 'string'): CelProgram => {
    if (typeof source !== 'string' || source.trim() === '') return fail(`${field} must be a non-empty CEL expression`);
    let program: CelProgram;
    try {
      program = env.parse(source);
    } catch (error) {
      return fail(describeCelError(field, error));
    }
    const checked = program.check();
    if (!checked.valid) return fail(describeCelError(field, checked.error));
    if (checked.type !== type && checked.type !== 'dyn') fail(`${field} gives ${checked.type}, but must give ${type}`);
    // Against the ECS shape of the one kind the rule applies to: a field that does not exist or
    // a comparison of the wrong types is found now (a rule for several kinds stays on dyn).
    if (appliesTo.length === 1) {
      const typed = typedEnvironment(appliesTo[0]!).parse(source).check();
      if (!typed.valid && isShapeError(celErrorParts(typed.error).text)) {
        return fail(`${describeCelError(field, typed.error)} (checked against the ECS shape of a ${KIND_NAMES[appliesTo[0]!]})`);
      }
    }
    try {
      useRe2(program);
    } catch (error) {
      if (error instanceof RegexSyntaxError) return fail(`${field}, position ${error.position}: ${error.message}`);
      throw error;
    }
    return program;
  };

  const expression = spec.expression;
  const program = compile('expression', expression, 'bool');
  const messageProgram = hasMessageExpression ? compile('messageExpression', spec.messageExpression, 'string') : undefined;
  const message = spec.message;
  const path = spec.path ?? '';

  const messageFor = (object: object, request: object, resource: Resource): string => {
    if (!messageProgram) return message!;
    let why: string;
    try {
      const value = runProgram(messageProgram, object, request);
      // A message computed from the resource may quote what must never be printed.
      if (typeof value === 'string' && value !== '') return maskValuesIn(value, sensitiveValues(resource));
      why = `gave ${describeValue(value)}, not a non-empty string`;
    } catch (error) {
      why = failureText(error);
    }
    // The finding stands (the expression gave false); only its wording is lost.
    return `The ${appliesTo.length === 1 ? KIND_NAMES[appliesTo[0]!] : 'resource'} does not satisfy \`${expression}\` (the messageExpression ${why}).`;
  };

  return defineRule({
    id,
    title: spec.title ?? titleFromId(id),
    description: `${spec.description ? `${spec.description} ` : ''}Passes when the CEL expression \`${expression}\` is true.`,
    rationale: `A custom rule of the policy ${where.file}; ask its owners why it is there.`,
    remediation:
      spec.remediation ?? `Change the resource so that the custom rule's expression \`${expression}\` is true, or ask the owners of the policy ${where.file}.`,
    severity: spec.severity,
    recommended: spec.action,
    references: [{ title: `custom rule in ${where.file}` }],
    appliesTo,
    options: z.strictObject({}),
    check(object, { report }, resource) {
      const request = resource.request ?? NO_REQUEST;
      let value: unknown;
      try {
        value = runProgram(program, object, request);
      } catch (error) {
        // An unknown value: `skip`, naming the field. Anything else: `error`, never a pass.
        if (error instanceof CannotDecideError) throw error;
        // A CEL error may quote the value it failed on (`cannot convert "…" to int`).
        throw new Error(maskValuesIn(`the expression ${failureText(error)}`, sensitiveValues(resource)), { cause: error });
      }
      if (value === true) return;
      if (value !== false) throw new Error(maskValuesIn(`the expression must give a bool, but gave ${describeValue(value)}`, sensitiveValues(resource)));
      report({ path, message: messageFor(object, request, resource) });
    },
  });
}

function checkAppliesTo(value: unknown, fail: (detail: string) => never): ResourceKind[] {
  const kinds = Array.isArray(value) ? (value as unknown[]) : [];
  if (kinds.length === 0) fail(`appliesTo must list one or more of ${RESOURCE_KINDS.join(', ')}`);
  for (const kind of kinds) {
    if (!(RESOURCE_KINDS as readonly unknown[]).includes(kind)) fail(`appliesTo: ${JSON.stringify(kind)} is not one of ${RESOURCE_KINDS.join(', ')}`);
  }
  return [...new Set(kinds as ResourceKind[])];
}

/** `require-owner-tag` → `Require owner tag`. */
const titleFromId = (id: string): string => {
  const words = id.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

interface CelErrorLike {
  summary?: unknown;
  range?: { start?: unknown };
}

/** `expression, position 17: Unexpected token: EOF` (position: 1-based offset in the expression). */
function describeCelError(field: string, error: unknown): string {
  const { text, position } = celErrorParts(error);
  return position === undefined ? `${field}: ${text}` : `${field}, position ${position}: ${text}`;
}

function celErrorParts(error: unknown): { text: string; position?: number } {
  if (!(error instanceof Error)) return { text: String(error) };
  const { summary, range } = error as CelErrorLike;
  // cel-js appends a source excerpt to `message`; `summary` is the first line alone.
  const text = typeof summary === 'string' ? summary : error.message.split('\n')[0]!;
  return typeof range?.start === 'number' ? { text, position: range.start + 1 } : { text };
}

/** Why an evaluation failed, as the end of a sentence about the expression. */
function failureText(error: unknown): string {
  if (error instanceof CostLimitError) return error.message;
  if (error instanceof CannotDecideError) return `needs a value unknown here: ${error.message}`;
  const { text, position } = celErrorParts(error);
  return position === undefined ? `failed: ${text}` : `failed at position ${position}: ${text}`;
}

function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'bigint':
      return `an int (${value})`;
    case 'number':
      return `a double (${value})`;
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? 'a list' : 'a map';
    default:
      return typeof value;
  }
}
