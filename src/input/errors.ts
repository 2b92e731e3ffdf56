/** Input that is not an ECS document we can evaluate; the message names the file and what is wrong. */
export class InputError extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${source}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'InputError';
  }
}
