/**
 * Terraform source (`.tf`, and `.tf.json`): the files of one directory are one module, judged
 * together. Each ECS resource's attributes are evaluated as far as they can be offline
 * (expressions.ts), then converted to the API shape (resource.ts). HashiCorp's HCL parser,
 * WebAssembly, is loaded here, with the first `.tf` file: no other input pays for it.
 */
import { basename, dirname } from 'node:path';
import { maskSecretsIn } from '../../core/secrets/mask.js';
import type { Resource } from '../../core/types.js';
import { UnknownValue } from '../../core/unknown.js';
import { InputError } from '../errors.js';
import { parseDocuments } from '../parse.js';
import { evaluate, type EvaluationContext, type ReadModuleFile } from './expressions.js';
import { locateInBody, scanResources, type BodyTree } from './hcl-scan.js';
import { TERRAFORM_KINDS, terraformResource, type TerraformBlock } from './resource.js';

export interface SourceText {
  source: string;
  text: string;
}

export interface SourceProblem {
  source: string;
  line?: number;
  message: string;
}

/** What the Terraform inputs hold: resources, files that could not be read, and fields left unknown for a problem of the module. */
export interface TerraformSources {
  resources: Resource[];
  errors: SourceProblem[];
  unjudged: SourceProblem[];
}

/** Meta-arguments: how many instances and in what order, not what an instance is. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);
/** `task_definition = aws_ecs_task_definition.app.arn` (or `.family`, `.id`): the task definition of the same module. */
const TASK_DEFINITION_REF = /^\$\{\s*(aws_ecs_task_definition\.[A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.(\w+)\s*\}$/;
const TASK_DEFINITION_ATTRIBUTES = new Set(['arn', 'arn_without_revision', 'family', 'id']);

const NO_FILES: ReadModuleFile = (_dir, path) => ({ problem: `${path} not read (no file reader given)` });

type Parse = EvaluationContext['parse'];
let parser: Promise<Parse> | undefined;

/** The HCL parser (`@cdktf/hcl2json`), loaded once, on first use. */
function loadParser(): Promise<Parse> {
  parser ??= import('@cdktf/hcl2json').then((module) => {
    const parse = (module as { parse?: Parse }).parse ?? (module as unknown as { default: { parse: Parse } }).default.parse;
    return parse;
  });
  return parser;
}

/** Whether a file is Terraform source. */
export const isTerraformSource = (source: string): boolean => /\.tf(\.json)?$/i.test(source);

/**
 * Reads Terraform source files, grouped by directory (one module each). A file that cannot be
 * parsed is one error naming it (and the line); the other files of its module are still judged.
 * `readFile` reads the files `file()` and `templatefile()` name (src/adapters/module-files.ts);
 * without it, what they give is unknown.
 */
export async function loadTerraformSources(inputs: readonly SourceText[], readFile: ReadModuleFile = NO_FILES): Promise<TerraformSources> {
  const out: TerraformSources = { resources: [], errors: [], unjudged: [] };
  const modules = new Map<string, SourceText[]>();
  for (const input of inputs) {
    const dir = dirname(input.source);
    modules.set(dir, [...(modules.get(dir) ?? []), input]);
  }
  for (const [dir, files] of modules) await loadModule(dir, files, (path) => readFile(dir, path), out);
  return out;
}

interface ParsedBlock {
  type: string;
  name: string;
  raw: Record<string, unknown>;
  source: string;
  locate: TerraformBlock['locate'];
  /** A `module` call: its `source`, and the line of its header. */
  call?: { from: string; line?: number };
}

async function loadModule(dir: string, files: readonly SourceText[], readFile: EvaluationContext['readFile'], out: TerraformSources): Promise<void> {
  const blocks: ParsedBlock[] = [];
  for (const file of files) {
    try {
      blocks.push(...(file.source.toLowerCase().endsWith('.json') ? jsonBlocks(file) : await hclBlocks(file)));
    } catch (error) {
      out.errors.push(problemOf(file.source, error));
    }
  }
  for (const block of blocks) {
    if (block.call) {
      // Module calls are not expanded: what they declare is not judged, and says so (never an empty pass).
      out.unjudged.push(
        withLine(
          {
            source: block.source,
            message: `module "${block.name}" (source ${block.call.from}) is not expanded: the ECS resources it declares are not judged here; check its own directory, or a plan of this configuration`,
          },
          block.call.line,
        ),
      );
      continue;
    }
    try {
      const line = (attribute: string): number | undefined => block.locate?.([attribute])?.line;
      const values: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(block.raw)) {
        if (META_ARGUMENTS.has(key)) continue;
        if (key === 'dynamic') {
          // The blocks a `dynamic` block makes depend on its `for_each`: the whole attribute is unknown.
          for (const label of Object.keys(isRecord(value) ? value : {})) values[label] = new UnknownValue(`dynamic "${label}" blocks`);
          continue;
        }
        if (values[key] instanceof UnknownValue) continue;
        const context: EvaluationContext = {
          parse: async (name, text) => (await loadParser())(name, text),
          readFile,
          note: (message) =>
            out.unjudged.push(withLine({ source: block.source, message: `${block.type}.${block.name}: ${key} is unknown: ${message}` }, line(key))),
        };
        values[key] = await evaluate(value, context, key === 'container_definitions');
      }
      const match = typeof block.raw.task_definition === 'string' ? TASK_DEFINITION_REF.exec(block.raw.task_definition) : null;
      const ref = match && TASK_DEFINITION_ATTRIBUTES.has(match[2]!) ? match[1] : undefined;
      const resource = terraformResource({
        type: block.type,
        address: `${block.type}.${block.name}`,
        values,
        source: block.source,
        ...(block.locate ? { locate: block.locate } : {}),
        // Resolved within the module; one defined elsewhere is reported as not found, never guessed.
        ...(ref ? { taskDefinitionAddress: `#${ref}` } : {}),
        scope: dir,
      });
      if (resource) out.resources.push(resource);
    } catch (error) {
      out.errors.push(problemOf(block.source, error));
    }
  }
}

/** The ECS resources of a `.tf` file, as the HCL parser gives them, with their lines. */
async function hclBlocks(file: SourceText): Promise<ParsedBlock[]> {
  // The scan comes first: it refuses hostile nesting before the parser sees the text.
  const scanned = scanResources(file.text, file.source);
  const parse = await loadParser();
  let parsed: Record<string, unknown>;
  try {
    parsed = await parse(basename(file.source), file.text);
  } catch (error) {
    throw syntaxError(file.source, error);
  }
  const bodies = new Map<string, BodyTree>(scanned.map((r) => [`${r.type}.${r.name}`, r.body]));
  const blocks = ecsBlocks(parsed, file.source, (type, name) => {
    const body = bodies.get(`${type}.${name}`);
    return body ? (path) => locateInBody(body, path) : undefined;
  });
  for (const block of blocks) {
    if (!block.call) continue;
    const header = new RegExp(`^\\s*module\\s+"${block.name.replace(/[^\w-]/g, '')}"`, 'm').exec(file.text);
    if (header) block.call.line = file.text.slice(0, header.index + header[0].length).split('\n').length;
  }
  return blocks;
}

/** The ECS resources of a `.tf.json` file (Terraform's JSON syntax: every string a template). */
function jsonBlocks(file: SourceText): ParsedBlock[] {
  const [doc] = parseDocuments(file.text, file.source);
  if (!doc) return [];
  return ecsBlocks(doc.value, file.source, (type, name) => {
    const resources = isRecord(doc.value) && isRecord(doc.value.resource) ? doc.value.resource : {};
    const byName: unknown = resources[type];
    const listed = isRecord(byName) && Array.isArray(byName[name]);
    return (path) => doc.locate(['resource', type, name, ...(listed ? [0] : []), ...path]);
  });
}

function ecsBlocks(parsed: unknown, source: string, locator: (type: string, name: string) => TerraformBlock['locate'] | undefined): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  const resources = isRecord(parsed) && isRecord(parsed.resource) ? parsed.resource : {};
  for (const [type, byName] of Object.entries(resources)) {
    if (!TERRAFORM_KINDS[type] || !isRecord(byName)) continue;
    for (const [name, body] of Object.entries(byName)) {
      // The parser gives each block as a list (of one); Terraform's JSON syntax allows an object.
      const raw: unknown = Array.isArray(body) ? body[0] : body;
      if (!isRecord(raw)) continue;
      blocks.push({ type, name, raw, source, locate: locator(type, name) });
    }
  }
  const calls = isRecord(parsed) && isRecord(parsed.module) ? parsed.module : {};
  for (const [name, body] of Object.entries(calls)) {
    const raw: unknown = Array.isArray(body) ? body[0] : body;
    if (!isRecord(raw)) continue;
    blocks.push({ type: 'module', name, raw, source, locate: undefined, call: { from: typeof raw.source === 'string' ? raw.source : '?' } });
  }
  return blocks;
}

/** The parser's diagnostic (`parse config: [main.tf:3,7-4,1: Invalid expression; Expected ...]`) as an error with its line. */
function syntaxError(source: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const diagnostic = /:(\d+),\d+(?:-[\d,]+)?: ([^\]]*)/.exec(message);
  if (!diagnostic) return new InputError(source, `not valid HCL: ${message.replace(/^parse config: /, '').slice(0, 300)}`);
  return new InputError(source, `not valid HCL: ${diagnostic[2]!.trim()}`, Number(diagnostic[1]));
}

function problemOf(source: string, error: unknown): SourceProblem {
  if (error instanceof InputError) return withLine({ source: error.source, message: error.detail }, error.line);
  const text = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  return { source, message: `could not be read: ${maskSecretsIn(text)}` };
}

const withLine = (problem: SourceProblem, line: number | undefined): SourceProblem => (line === undefined ? problem : { ...problem, line });
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
