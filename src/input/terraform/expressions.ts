/**
 * Evaluation of Terraform attribute values as the HCL parser gives them: literals as they are,
 * every other expression as a `"${...}"` string. What can be known offline is evaluated
 * (`jsonencode` of a literal, `file`, `templatefile` with literal variables, `tolist`/`toset` of a
 * literal); everything else (`var.x`, `local.x`, references, other functions, templates mixing in
 * an unknown) becomes an `UnknownValue` for exactly the field that holds it, never a guess.
 */
import { UnknownValue, type UnknownFacts } from '../../core/unknown.js';

/** Reads a file a module names (`path` relative to the module directory `dir`): its text, or why it cannot be read. */
export type ReadModuleFile = (dir: string, path: string) => { text: string } | { problem: string };

export interface EvaluationContext {
  /** Parses HCL text (the parser, loaded once): `v = <expression>` gives `{ v: ... }`. */
  parse: (name: string, text: string) => Promise<Record<string, unknown>>;
  /** A file named by `file()` or `templatefile()`, relative to the module: its text, or why it cannot be read. */
  readFile: (path: string) => { text: string } | { problem: string };
  /** Records why a field is unknown when the reason is a problem of the module (a missing file). */
  note: (message: string) => void;
}

/** Whether a string from the parser holds an interpolation or a directive (`$${` and `%%{` are escapes). */
export const isTemplate = (text: string): boolean => /(?<!\$)\$\{|(?<!%)%\{/.test(text.replace(/\$\$\{|%%\{/g, ''));

/** The literal text of a string with no interpolation. */
const unescape = (text: string): string => text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

/**
 * The value of an attribute. `structured`: a `jsonencode` result is kept as the evaluated value
 * (for `container_definitions`) rather than as JSON text.
 */
export async function evaluate(value: unknown, context: EvaluationContext, structured = false): Promise<unknown> {
  if (typeof value === 'string') return isTemplate(value) ? evaluateTemplate(value, context, structured) : unescape(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await evaluate(item, context, structured));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isTemplate(key)) return new UnknownValue(`an object with the computed key ${key}`);
      out[unescape(key)] = await evaluate(item, context, structured);
    }
    return out;
  }
  return value;
}

async function evaluateTemplate(text: string, context: EvaluationContext, structured: boolean): Promise<unknown> {
  const whole = wholeInterpolation(text);
  if (whole === undefined) return new UnknownValue(text, templateFacts(text));
  const call = /^([a-z]\w*)\s*\(/.exec(whole);
  const args = call ? splitArguments(whole.slice(call[0].length - 1)) : undefined;
  if (!call || !args) return new UnknownValue(whole, referenceFacts(whole));
  switch (call[1]) {
    case 'jsonencode': {
      if (args.length !== 1) break;
      const inner = await evaluateExpression(args[0]!, context);
      if (structured || inner instanceof UnknownValue) return inner;
      return isKnown(inner) ? JSON.stringify(inner) : new UnknownValue(whole);
    }
    case 'tolist':
    case 'toset': {
      if (args.length !== 1) break;
      const inner = await evaluateExpression(args[0]!, context);
      return Array.isArray(inner) ? inner : new UnknownValue(whole);
    }
    case 'file': {
      const path = args.length === 1 ? modulePath(args[0]!) : undefined;
      return path === undefined ? new UnknownValue(whole) : readFile(path, whole, context);
    }
    case 'templatefile': {
      const path = args.length === 2 ? modulePath(args[0]!) : undefined;
      if (path === undefined) break;
      const template = readFile(path, whole, context);
      if (typeof template !== 'string') return template;
      const vars = await evaluateExpression(args[1]!, context);
      return render(template, vars, whole);
    }
  }
  return new UnknownValue(whole);
}

/** The expression of a string that is one interpolation and nothing else (`${...}`), else undefined. */
export function wholeInterpolation(text: string): string | undefined {
  if (!text.startsWith('${') || !text.endsWith('}')) return undefined;
  const end = closingIndex(text, 1);
  return end === text.length - 1 ? text.slice(2, -1).trim() : undefined;
}

/** Index of the bracket closing the one at `open`, across strings and nested brackets; -1 if none. */
function closingIndex(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let k = open; k < text.length; k++) {
    const c = text[k]!;
    if (inString) {
      if (c === '\\') k++;
      else if (c === '"') inString = false;
      else if ((c === '$' || c === '%') && text[k + 1] === '{' && text[k - 1] !== c) {
        const end = closingIndex(text, k + 1);
        if (end === -1) return -1;
        k = end;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return k;
    }
  }
  return -1;
}

/** The arguments of a call written `(a, b)` as their text, or undefined if something follows the call. */
function splitArguments(text: string): string[] | undefined {
  const end = closingIndex(text, 0);
  if (end !== text.length - 1) return undefined;
  const args: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 1;
  for (let k = 1; k < end; k++) {
    const c = text[k]!;
    if (inString) {
      if (c === '\\') k++;
      else if (c === '"') inString = false;
      else if (c === '$' && text[k + 1] === '{') {
        k = closingIndex(text, k + 1);
        if (k === -1) return undefined;
      }
    } else if (c === '"') inString = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, k).trim());
      start = k + 1;
    }
  }
  const last = text.slice(start, end).trim();
  if (last) args.push(last);
  return args;
}

/** An HCL expression's value: parsed as `v = <expression>` by the HCL parser, then evaluated. */
async function evaluateExpression(expression: string, context: EvaluationContext): Promise<unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = await context.parse('expression.tf', `v = ${expression}\n`);
  } catch {
    return new UnknownValue(expression);
  }
  // Inside the value, a `jsonencode` is JSON text again (an environment value written as JSON).
  return evaluate(parsed.v, context);
}

/** A path argument: a literal string, or one starting with `${path.module}/`; undefined for anything else. */
function modulePath(argument: string): string | undefined {
  const match = /^"((?:[^"\\$]|\\.|\$(?!\{))*)"$/.exec(argument.replace(/^"\$\{\s*path\.module\s*\}\//, '"'));
  return match ? match[1]!.replace(/\\(.)/g, '$1') : undefined;
}

function readFile(path: string, expression: string, context: EvaluationContext): string | UnknownValue {
  const read = context.readFile(path);
  if ('text' in read) return read.text;
  context.note(`${expression}: ${read.problem}`);
  return new UnknownValue(`${expression}: ${read.problem}`);
}

/** A template file rendered with literal variables: `${name}` substituted; a directive or any other interpolation → unknown. */
function render(template: string, vars: unknown, expression: string): string | UnknownValue {
  if (!vars || typeof vars !== 'object' || Array.isArray(vars) || !isKnown(vars)) return new UnknownValue(`${expression}: variables not all literal`);
  const values = vars as Record<string, unknown>;
  let unknown: string | undefined;
  const out = template.replace(/(\$\$\{|%%\{)|%\{[^}]*\}?|\$\{\s*([^}]*?)\s*\}/g, (match, escape: string | undefined, name: string | undefined) => {
    if (escape) return escape.slice(1);
    const value = name !== undefined && /^[A-Za-z_]\w*$/.test(name) ? values[name] : undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    unknown ??= match;
    return match;
  });
  return unknown === undefined ? out : new UnknownValue(`${expression}: ${unknown} in the template`);
}

const isKnown = (value: unknown): boolean =>
  !(value instanceof UnknownValue) &&
  (Array.isArray(value) ? value.every(isKnown) : value && typeof value === 'object' ? Object.values(value).every(isKnown) : true);

/**
 * Attributes of AWS resources that name or locate something (an ARN, an id, a DNS name): a
 * reference to one is never a credential. Anything else (`var.x`, a secret's `secret_string`) may be.
 */
const NAMING_ATTRIBUTES = new Set([
  'arn',
  'id',
  'name',
  'family',
  'revision',
  'repository_url',
  'dns_name',
  'endpoint',
  'address',
  'port',
  'url',
  'invoke_arn',
]);
const RESOURCE_ATTRIBUTE = /^(?:data\.)?aws_\w+\.[\w-]+(?:\[[^\]]*\])?\.(\w+)$/;

const referenceFacts = (expression: string): UnknownFacts => {
  const attribute = RESOURCE_ATTRIBUTE.exec(expression)?.[1];
  return attribute !== undefined && NAMING_ATTRIBUTES.has(attribute) ? { reference: true } : {};
};

/** The literal parts of a template that mixes text and interpolations (deployed as written, so scanned for secrets). */
function templateFacts(text: string): UnknownFacts {
  const literals: string[] = [];
  let k = 0;
  for (;;) {
    const start = text.slice(k).search(/(?<![$%])[$%]\{/);
    if (start === -1) break;
    if (start > 0) literals.push(unescape(text.slice(k, k + start)));
    const end = closingIndex(text, k + start + 1);
    if (end === -1) return literals.length ? { literals } : {};
    k = end + 1;
  }
  if (k < text.length) literals.push(unescape(text.slice(k)));
  return literals.length ? { literals } : {};
}
