/** What the CLI needs from its process, passed in so that commands are testable in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Bad usage: exit status 2 with the message and a hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parsed command-line options. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandArgs {
  positionals: string[];
  values: OptionValues;
}

export function choice<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got ${String(value)})`);
}
