/**
 * The ECS API shape (core/shape.ts) as CEL types, so that a custom rule is type-checked when it
 * is compiled (`validate`, and every policy load): `c.privileged == 'true'` (a bool against a
 * string) and `object.containerDefinition` (no such field) are errors with their position, not
 * surprises on the first resource. Evaluation itself stays on `dyn` (cel-runtime.ts), so what was
 * checked here runs unchanged.
 *
 * Numbers are declared `dyn`: JSON numbers are CEL doubles at run time, which compare with int
 * literals (`c.memory >= 256`) where a declared double would not check. Only what is certainly
 * wrong is reported (`shapeErrorIn`): a field the shape does not have, or an operator or method
 * on strings and bools of the wrong type; cel-js's stricter overloads for messages and numbers,
 * which evaluation on `dyn` accepts, are not.
 */
import { Environment } from '@marcbachmann/cel-js';
import { SHAPES, type Shape } from '../core/shape.js';
import type { ResourceKind } from '../core/types.js';
import { CEL_PARSE_LIMITS } from './cel-runtime.js';

const TYPE_NAMES: Readonly<Record<ResourceKind, string>> = {
  taskDefinition: 'ecs.TaskDefinition',
  service: 'ecs.Service',
  taskSet: 'ecs.TaskSet',
  task: 'ecs.Task',
  daemonTaskDefinition: 'ecs.DaemonTaskDefinition',
  daemon: 'ecs.Daemon',
  expressService: 'ecs.ExpressService',
};

interface Schema {
  [field: string]: string | Schema;
}

function celType(shape: Shape, name: string, env: Environment): string | Schema {
  switch (shape.type) {
    case 'string':
    case 'enum':
    case 'pattern':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
    case 'number':
    case 'stringOrNumber':
    case 'any':
      return 'dyn';
    case 'map': {
      const of = celType(shape.of, `${name}.value`, env);
      return `map<string, ${typeof of === 'string' ? of : register(`${name}.value`, of, env)}>`;
    }
    case 'list': {
      const of = celType(shape.of, `${name}.item`, env);
      return `list<${typeof of === 'string' ? of : register(`${name}.item`, of, env)}>`;
    }
    case 'object':
      return Object.fromEntries(Object.entries(shape.fields).map(([key, field]) => [key, celType(field, `${name}.${key}`, env)]));
  }
}

const register = (name: string, schema: Schema, env: Environment): string => {
  env.registerType({ name, schema });
  return name;
};

const environments = new Map<ResourceKind, Environment>();

/** An environment where `object` is the ECS shape of `kind` and `request` a map: for checking only. */
export function typedEnvironment(kind: ResourceKind, limits = CEL_PARSE_LIMITS): Environment {
  let env = environments.get(kind);
  if (!env) {
    env = new Environment({ limits, enableOptionalTypes: true });
    register(TYPE_NAMES[kind], celType(SHAPES[kind], TYPE_NAMES[kind], env) as Schema, env);
    env.registerVariable('object', TYPE_NAMES[kind]).registerVariable('request', 'map');
    environments.set(kind, env);
  }
  return env;
}

const PLAIN = /^(?:bool|string|bytes|list<(?:bool|string)>|map<string, string>)$/;
/**
 * Whether a type-check error of the typed environment is one the expression really has: a field
 * that does not exist, or an operator or method applied to strings and bools of the wrong type.
 */
export function isShapeError(message: string): boolean {
  if (/^No such key: /.test(message)) return true;
  const operator = /^no such overload: (.+) (?:==|!=|<|<=|>|>=|\+|-|in) (.+)$/.exec(message);
  if (operator) return PLAIN.test(operator[1]!.trim()) && PLAIN.test(operator[2]!.trim());
  const method = /^found no matching overload for '([^.']+)\.\w+\(([^)]*)\)'/.exec(message);
  if (method) return PLAIN.test(method[1]!) && method[2]!.split(',').every((t) => PLAIN.test(t.trim()));
  return false;
}
