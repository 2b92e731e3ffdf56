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
