/**
 * The ECS resources of a CloudFormation template (JSON or YAML, SAM and CDK output included),
 * each judged in the scenarios of its conditions. Nothing is dropped unseen: what cannot be read
 * offline (a loop over a parameter, resources included from S3, a macro) is reported as not judged.
 */
import { SHAPES } from '../../core/shape.js';
import type { FieldProblem, Origin, Resource, ResourceKind, Scenario } from '../../core/types.js';
import { containsUnknown, guardUnknowns } from '../../core/unknown.js';
import { checkTypes } from '../check-types.js';
import type { ParsedDocument } from '../parse.js';
import { conditionModel, scenarioAssignments } from './conditions.js';
import { convertProperties, type DocPath } from './convert.js';
import { expandResources } from './for-each.js';
import { intrinsicName, isObject, type TemplateNames } from './intrinsics.js';

export const CFN_KINDS: Readonly<Record<string, ResourceKind>> = {
  'AWS::ECS::TaskDefinition': 'taskDefinition',
  'AWS::ECS::Service': 'service',
  'AWS::ECS::TaskSet': 'taskSet',
  'AWS::ECS::DaemonTaskDefinition': 'daemonTaskDefinition',
  'AWS::ECS::Daemon': 'daemon',
  'AWS::ECS::ExpressGatewayService': 'expressService',
};

/** The property that names the task definition a resource runs (an Express service's CloudFormation type has none). */
const RUNS: Partial<Record<ResourceKind, string>> = { service: 'TaskDefinition', taskSet: 'TaskDefinition', daemon: 'DaemonTaskDefinitionArn' };

/**
 * Transforms whose effect on ECS resources is known: `AWS::LanguageExtensions` (its `Fn::ForEach`
 * is expanded here), SAM (it generates no ECS resources), and CodeDeploy blue/green (it copies the
 * task definitions and task sets it is given). Any other transform is a macro that may rewrite
 * anything.
 */
const KNOWN_TRANSFORMS = new Set(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31', 'AWS::CodeDeployBlueGreen']);

export const isTemplate = (value: Record<string, unknown>): boolean =>
  isObject(value.Resources) &&
  ('AWSTemplateFormatVersion' in value ||
    'Transform' in value ||
    Object.entries(value.Resources).some(([key, r]) => key.startsWith('Fn::ForEach::') || (isObject(r) && typeof r.Type === 'string')));

export interface TemplateInput {
  source: string;
  doc: ParsedDocument;
  /** Path of the template in the document (`[]` for a template file). */
  prefix: DocPath;
  /** The document is a fragment of a Resources section, not a whole template (paths start at the resources). */
  fragment?: boolean;
}

export interface TemplateResources {
  resources: Resource[];
  /** Parts of the template that hold resources nobody can judge offline, with their line. */
  unjudged: { line?: number; message: string }[];
}

export function resourcesOfTemplate(template: Record<string, unknown>, input: TemplateInput): TemplateResources {
  const { source, doc, prefix } = input;
  const lineOf = (path: DocPath): number | undefined => doc.locate([...prefix, ...path])?.line;
  // In a fragment, `Resources` is not written in the document: paths start at the resources.
  const resourcesPath: DocPath = input.fragment ? [] : ['Resources'];
  const resourcesMap = template.Resources as Record<string, unknown>;
  const unjudged: TemplateResources['unjudged'] = [];

  const macros = transformNames(template.Transform).filter((name) => !KNOWN_TRANSFORMS.has(name));
  const caveat =
    macros.length > 0
      ? `the template's transform ${macros.join(', ')} can rewrite it before deployment, so what is judged may not be what is deployed`
      : undefined;
  if (Object.hasOwn(resourcesMap, 'Fn::Transform')) {
    unjudged.push({
      line: lineOf([...resourcesPath, 'Fn::Transform']),
      message: 'resources included by Fn::Transform (AWS::Include or a macro) are not known offline and not judged',
    });
  }

  const { declared, unexpanded } = expandResources(Object.fromEntries(Object.entries(resourcesMap).filter(([key]) => key !== 'Fn::Transform')), resourcesPath);
  const names: TemplateNames = { parameters: parametersOf(template), resources: new Set(declared.map((d) => d.logicalId)) };
  const model = conditionModel(template);
  const resources: Resource[] = [];

  for (const loop of unexpanded) {
    const kinds = [...new Set(loop.types.map((t) => CFN_KINDS[t]).filter((k): k is ResourceKind => k !== undefined))];
    if (loop.types.length === 0) unjudged.push({ line: lineOf(loop.docPath), message: loop.reason });
    for (const kind of kinds) resources.push(notJudged(kind, `Fn::ForEach::${loop.loop}`, loop.reason, input, loop.docPath));
  }

  for (const { logicalId, declaration, docPath } of declared) {
    if (!isObject(declaration) || typeof declaration.Type !== 'string') continue;
    const kind = CFN_KINDS[declaration.Type];
    if (!kind) continue;
    const properties = declaration.Properties ?? {};
    if (intrinsicName(properties) === 'Fn::Transform') {
      resources.push(
        notJudged(kind, logicalId, 'its properties come from Fn::Transform (AWS::Include or a macro), which is not known offline', input, docPath),
      );
      continue;
    }
    const condition = typeof declaration.Condition === 'string' ? declaration.Condition : undefined;
    const propertiesPath = [...prefix, ...docPath, 'Properties'];
    let transformed: string | undefined;
    const problems = new Map<string, FieldProblem>();
    const scenarios: Scenario[] = scenarioAssignments(properties, condition, model).map((conditions) => {
      const converted = convertProperties(properties, propertiesPath, SHAPES[kind], names, conditions);
      transformed ??= converted.transformed;
      const object = converted.object ?? {};
      for (const problem of checkTypes(object, SHAPES[kind], 'cloudformation')) problems.set(`${problem.path}\u0000${problem.message}`, problem);
      const locate: Origin['locate'] = (path) => doc.locate(converted.docPath(path));
      return { conditions, branches: converted.branches, object: containsUnknown(object) ? guardUnknowns(object) : object, locate };
    });
    const first = scenarios[0]!;
    const origin: Origin = { source, logicalId, locate: first.locate };
    if (doc.index > 0) origin.documentIndex = doc.index;
    const resource: Resource = { kind, name: logicalId, object: first.object, origin };
    if (scenarios.length > 1 || first.branches.length > 0) resource.scenarios = scenarios;
    if (problems.size > 0) resource.problems = [...problems.values()];
    const reason = caveat ?? transformed;
    if (reason) resource.caveat = reason;
    const runs = RUNS[kind];
    const target = runs && isObject(properties) ? referencedLogicalId(properties[runs], names.resources, kind === 'daemon') : undefined;
    if (target) resource.taskDefinitionRef = `#${target}`;
    resources.push(resource);
  }
  return { resources, unjudged };
}

function notJudged(kind: ResourceKind, name: string, reason: string, input: TemplateInput, docPath: DocPath): Resource {
  const at = input.doc.locate([...input.prefix, ...docPath]);
  const origin: Origin = { source: input.source, logicalId: name, locate: () => at };
  if (input.doc.index > 0) origin.documentIndex = input.doc.index;
  return { kind, name, object: {}, origin, notJudged: reason };
}

/** `Transform: X`, `[X, Y]` or `[{ Name: X, Parameters }]` → the names. */
function transformNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((t) => (typeof t === 'string' ? t : isObject(t) && typeof t.Name === 'string' ? t.Name : JSON.stringify(t)));
}

function parametersOf(template: Record<string, unknown>): Map<string, { noEcho: boolean }> {
  const out = new Map<string, { noEcho: boolean }>();
  if (!isObject(template.Parameters)) return out;
  for (const [name, declaration] of Object.entries(template.Parameters)) {
    const noEcho = isObject(declaration) && (declaration.NoEcho === true || String(declaration.NoEcho).toLowerCase() === 'true');
    out.set(name, { noEcho });
  }
  return out;
}

/**
 * The logical id a `{ Ref: X }` points at, when X is a resource of the template; with `orGetAtt`
 * (a daemon's `DaemonTaskDefinitionArn`, an ARN attribute) an `Fn::GetAtt: [X, …]` too.
 */
function referencedLogicalId(value: unknown, resources: ReadonlySet<string>, orGetAtt = false): string | undefined {
  if (!isObject(value)) return undefined;
  const getAtt = orGetAtt ? value['Fn::GetAtt'] : undefined;
  const target: unknown =
    typeof value.Ref === 'string'
      ? value.Ref
      : Array.isArray(getAtt)
        ? (getAtt as unknown[])[0]
        : typeof getAtt === 'string'
          ? getAtt.split('.')[0]
          : undefined;
  return typeof target === 'string' && resources.has(target) ? target : undefined;
}
