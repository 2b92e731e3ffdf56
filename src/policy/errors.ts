/** A problem in a policy file, located: `policies/prod.yaml:12:7: spec.rules.require-healthchek: unknown rule`. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${detail}`);
    this.name = 'PolicyError';
  }
}

/** Where the spec was written, for error messages. */
export interface SpecLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A custom rule that cannot be compiled: `stack.yaml:12:5: customRules[my-rule]: expression, position 17: …`. */
export class CustomRuleError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    where: SpecLocation,
    readonly ruleId: string,
    /** What is wrong, without the location. */
    readonly detail: string,
  ) {
    super(`${formatLocation(where)}: customRules[${ruleId}]: ${detail}`);
    this.name = 'CustomRuleError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

const formatLocation = ({ file, line, column }: SpecLocation): string =>
  line === undefined ? file : column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;

/** `['spec', 'rules', 0]` → `spec.rules[0]`. */
export const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
