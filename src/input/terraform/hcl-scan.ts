/**
 * A small scanner over Terraform (HCL native syntax) text, for what the HCL parser does not give:
 * lines. It finds each `resource "type" "name" {` block and, inside it, where every attribute and
 * nested block starts, and where each item of a literal list or object is written (also inside
 * `jsonencode(...)`), so that a finding points at its line. It also refuses nesting deeper than
 * the JSON and YAML readers accept before the parser sees the text. It is tolerant: what it does
 * not understand it skips (the parser reports syntax errors), and it never recurses deeper than
 * the nesting limit.
 */
import { InputError } from '../errors.js';
import { PARSE_LIMITS } from '../parse.js';

export interface Position {
  line: number;
  column: number;
}

/** Where a value is written; for a literal list or object, where each item is (by index or key). */
export interface ValueTree {
  at: Position;
  items?: Map<string | number, ValueTree>;
}

/** Where the attributes and nested blocks of a block are written. */
export interface BodyTree {
  at: Position;
  attributes: Map<string, ValueTree>;
  blocks: Map<string, BodyTree[]>;
  /** `dynamic "volume" { ... }`, by the label. */
  dynamic: Map<string, BodyTree[]>;
}

export interface ScannedResource {
  type: string;
  name: string;
  body: BodyTree;
}

/** Functions whose (first) argument is the value, for positions inside it. */
const TRANSPARENT_CALLS = new Set(['jsonencode', 'tolist', 'toset']);
const IDENT = /[A-Za-z_][\w-]*/y;

type Context = 'line' | 'list' | 'args';

class Scanner {
  private i = 0;
  private depth = 0;
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {
    for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) this.lineStarts.push(k + 1);
  }

  position(offset = this.i): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  private enter(): void {
    if (++this.depth > PARSE_LIMITS.maxDepth) {
      throw new InputError(this.source, `nested deeper than ${PARSE_LIMITS.maxDepth} levels`, this.position().line);
    }
  }

  private leave(): void {
    this.depth--;
  }

  private get char(): string | undefined {
    return this.text[this.i];
  }

  /** Spaces and comments; newlines too when `newlines`. */
  private skipSpace(newlines: boolean): void {
    const { text } = this;
    while (this.i < text.length) {
      const c = text[this.i]!;
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.i++;
      else if (c === '#' || (c === '/' && text[this.i + 1] === '/')) {
        const end = text.indexOf('\n', this.i);
        this.i = end === -1 ? text.length : end;
      } else if (c === '/' && text[this.i + 1] === '*') {
        const end = text.indexOf('*/', this.i + 2);
        this.i = end === -1 ? text.length : end + 2;
      } else break;
    }
  }

  private identifier(): string | undefined {
    IDENT.lastIndex = this.i;
    const match = IDENT.exec(this.text);
    if (!match) return undefined;
    this.i += match[0].length;
    return match[0];
  }

  /** A quoted string's text (escapes kept as written), the scanner past it. */
  private quoted(): string {
    const start = this.i + 1;
    this.skipString();
    return this.text.slice(start, this.i - 1);
  }

  private skipToLineEnd(): void {
    const end = this.text.indexOf('\n', this.i);
    this.i = end === -1 ? this.text.length : end;
  }

  /** The items of a body, up to its closing brace (or the end of the text at the top). */
  body(at: Position, resources?: ScannedResource[]): BodyTree {
    const tree: BodyTree = { at, attributes: new Map(), blocks: new Map(), dynamic: new Map() };
    this.enter();
    for (;;) {
      this.skipSpace(true);
      if (this.i >= this.text.length) break;
      if (this.char === '}') {
        this.i++;
        break;
      }
      const start = this.position();
      const name = this.identifier();
      if (!name) {
        this.i++;
        this.skipToLineEnd();
        continue;
      }
      this.skipSpace(false);
      if (this.char === '=' && this.text[this.i + 1] !== '=') {
        this.i++;
        const value = this.expression('line');
        tree.attributes.set(name, { at: start, ...(value?.items ? { items: value.items } : {}) });
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skipSpace(false);
        if (this.char === '"') labels.push(this.quoted());
        else {
          const label = this.identifier();
          if (label === undefined) break;
          labels.push(label);
        }
      }
      if (this.char !== '{') {
        this.skipToLineEnd();
        continue;
      }
      this.i++;
      const block = this.body(start);
      if (name === 'dynamic' && labels[0] !== undefined) push(tree.dynamic, labels[0], block);
      else push(tree.blocks, name, block);
      if (resources && name === 'resource' && labels.length === 2) resources.push({ type: labels[0]!, name: labels[1]!, body: block });
    }
    this.leave();
    return tree;
  }

  /** An expression up to the end of its context; the positions of its items when it is a literal list or object. */
  private expression(context: Context): ValueTree | undefined {
    this.skipSpace(context !== 'line');
    const at = this.position();
    let items: ValueTree['items'];
    if (this.char === '[') items = this.list();
    else if (this.char === '{') items = this.object();
    else {
      const start = this.i;
      const name = this.identifier();
      this.skipSpace(false);
      if (name && TRANSPARENT_CALLS.has(name) && this.char === '(') {
        this.i++;
        this.enter();
        items = this.expression('args')?.items;
        this.rest('args');
        if ((this.char as string | undefined) === ')') this.i++;
        this.leave();
      } else this.i = start;
    }
    this.rest(context);
    return { at, ...(items ? { items } : {}) };
  }

  private list(): Map<number, ValueTree> {
    const items = new Map<number, ValueTree>();
    this.i++;
    this.enter();
    for (let index = 0; ; ) {
      this.skipSpace(true);
      if (this.i >= this.text.length) break;
      if (this.char === ']') {
        this.i++;
        break;
      }
      if (this.char === ',') {
        this.i++;
        continue;
      }
      const before = this.i;
      const item = this.expression('list');
      if (item) items.set(index++, item);
      if (this.i === before) this.i++;
    }
    this.leave();
    return items;
  }

  private object(): Map<string, ValueTree> {
    const items = new Map<string, ValueTree>();
    this.i++;
    this.enter();
    for (;;) {
      this.skipSpace(true);
      if (this.i >= this.text.length) break;
      if (this.char === '}') {
        this.i++;
        break;
      }
      if (this.char === ',') {
        this.i++;
        continue;
      }
      const at = this.position();
      const before = this.i;
      const key = this.char === '"' ? unescapeKey(this.quoted()) : this.identifier();
      this.skipSpace(false);
      if (key !== undefined && (this.char === '=' || this.char === ':') && this.text[this.i + 1] !== '=') {
        this.i++;
        const value = this.expression('line');
        items.set(key, { at, ...(value?.items ? { items: value.items } : {}) });
      } else {
        // A `for` expression or a computed key: skipped as a whole.
        this.i = before;
        this.rest('line');
        if (this.i === before) this.i++;
      }
    }
    this.leave();
    return items;
  }

  /** Skips the rest of an expression, up to (not past) what ends it in its context. */
  private rest(context: Context): void {
    const { text } = this;
    while (this.i < text.length) {
      const c = text[this.i]!;
      if (c === ',' || c === ']' || c === '}' || c === ')') return;
      if (c === '\n') {
        if (context === 'line') return;
        this.i++;
      } else if (c === '(' || c === '[' || c === '{') this.skipBalanced();
      else if (c === '"') this.skipString();
      else if (c === '<' && text[this.i + 1] === '<' && this.skipHeredoc()) continue;
      else if (c === '#' || c === '/') {
        const before = this.i;
        this.skipSpace(false);
        if (this.i === before) this.i++;
      } else this.i++;
    }
  }

  /** Skips a bracketed expression, the scanner at its opening bracket. */
  private skipBalanced(): void {
    this.i++;
    this.enter();
    this.rest('args');
    while (this.i < this.text.length) {
      // `rest` stops at any closing bracket or comma: a comma or a stray bracket is part of this one.
      const c = this.char!;
      this.i++;
      if (c === ')' || c === ']' || c === '}') break;
      this.rest('args');
    }
    this.leave();
  }

  /** Skips a quoted template, interpolations included, the scanner at its opening quote. */
  private skipString(): void {
    const { text } = this;
    this.i++;
    while (this.i < text.length) {
      const c = text[this.i]!;
      if (c === '\\') this.i += 2;
      else if (c === '"') {
        this.i++;
        return;
      } else if (c === '\n') return;
      else if ((c === '$' || c === '%') && text[this.i + 1] === c && text[this.i + 2] === '{') this.i += 3;
      else if ((c === '$' || c === '%') && text[this.i + 1] === '{') {
        this.i++;
        this.skipBalanced();
      } else this.i++;
    }
  }

  /** Skips a heredoc (`<<EOT` or `<<-EOT` to the line holding only its marker); false if this is no heredoc. */
  private skipHeredoc(): boolean {
    const match = /<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/y;
    match.lastIndex = this.i;
    const found = match.exec(this.text);
    if (!found) return false;
    const marker = found[1]!;
    let k = match.lastIndex;
    for (;;) {
      const end = this.text.indexOf('\n', k);
      const line = this.text.slice(k, end === -1 ? undefined : end);
      if (line.trim() === marker || end === -1) {
        this.i = end === -1 ? this.text.length : end;
        return true;
      }
      k = end + 1;
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const unescapeKey = (key: string): string => key.replace(/\\(.)/g, '$1');

/**
 * The resources of a file and where their parts are written. Throws `InputError` (with the line)
 * on nesting deeper than the readers' limit.
 */
export function scanResources(text: string, source: string): ScannedResource[] {
  const scanner = new Scanner(text, source);
  const resources: ScannedResource[] = [];
  scanner.body(scanner.position(0), resources);
  return resources;
}

/** Line and column of a Terraform attribute path in a block (`['volume', 0, 'host_path']`): of the deepest part found. */
export function locateInBody(body: BodyTree, path: readonly (string | number)[]): Position {
  let best = body.at;
  let block: BodyTree | undefined = body;
  let value: ValueTree | undefined;
  for (let k = 0; k < path.length; k++) {
    const segment = path[k]!;
    if (block) {
      const attribute = typeof segment === 'string' ? block.attributes.get(segment) : undefined;
      if (attribute) {
        best = attribute.at;
        value = attribute;
        block = undefined;
        continue;
      }
      const blocks: BodyTree[] | undefined = typeof segment === 'string' ? (block.blocks.get(segment) ?? block.dynamic.get(segment)) : undefined;
      if (!blocks) break;
      const next = path[k + 1];
      const index = typeof next === 'number' ? next : 0;
      if (typeof next === 'number') k++;
      const found: BodyTree | undefined = blocks[index];
      if (!found) break;
      best = found.at;
      block = found;
      continue;
    }
    const item = value?.items?.get(segment);
    if (!item) break;
    best = item.at;
    value = item;
  }
  return best;
}
