/**
 * The output formats of `check` and `scan`, in one registry: a new format is one entry here (and
 * its renderer beside it), and both commands, their `--format` checks and usage texts follow.
 */
import type { CheckReport } from '../../use-cases/check.js';
import type { ExceptionReport } from '../../policy/engine.js';
import type { SweepReport } from '../../sweep/types.js';
import { choice, UsageError } from '../io.js';
import { toJsonReport, toSweepJson } from './json.js';
import { toJunit } from './junit.js';
import { toMarkdown } from './markdown.js';
import { toSarif, type SarifRule } from './sarif.js';
import { toSweepText, toText, type TextOptions } from './text.js';

/** What a format is given: the judged results (of files, or of a sweep with its extras). */
export interface FormatInput extends TextOptions {
  report: CheckReport;
  /** Present for `scan`: where each resource runs, its owner and what enforcement would do. */
  sweep?: SweepReport;
  exceptions: readonly ExceptionReport[];
  /** The rules in effect (SARIF lists them). */
  rules: readonly SarifRule[];
  /** Paths in the report are made relative to it. */
  cwd: string;
}

export interface OutputFormat {
  /** One line for the usage texts. */
  description: string;
  render(input: FormatInput): string;
}

const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

export const OUTPUT_FORMATS = {
  text: {
    description: 'a report for people (default)',
    render: (input) => (input.sweep ? toSweepText(input.sweep, input.report, input) : toText(input.report, input, input.exceptions)),
  },
  json: {
    description: 'every result as data; field names are a public interface',
    render: (input) => json(input.sweep ? toSweepJson(input.sweep, input.report.ruleSet) : toJsonReport(input.report, input.exceptions)),
  },
  sarif: {
    description: 'SARIF 2.1.0, for code scanning',
    render: (input) => json(toSarif(input.report, input.rules, input.cwd)),
  },
  junit: {
    description: 'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)',
    render: (input) => toJunit(input.report, input.cwd),
  },
  markdown: {
    description: 'Markdown, for pull-request comments and the GitHub job summary',
    render: (input) => toMarkdown(input.report, input.cwd),
  },
} satisfies Record<string, OutputFormat>;

export type FormatName = keyof typeof OUTPUT_FORMATS;

const NAMES = Object.keys(OUTPUT_FORMATS) as FormatName[];

/** The `--format` value, checked against the registry. */
export const formatOption = (value: unknown): FormatName => choice('--format', value ?? 'text', NAMES);

/** `--output <format>=<file>` values: each format checked against the registry, each file named once. */
export function outputOptions(values: unknown): { format: FormatName; file: string }[] {
  const list = values === undefined ? [] : Array.isArray(values) ? (values as unknown[]) : [values];
  return list.map((value) => {
    const m = typeof value === 'string' ? /^([a-z]+)=(.+)$/.exec(value) : null;
    if (!m) throw new UsageError(`--output must be <format>=<file>, such as sarif=results.sarif (got ${String(value)})`);
    return { format: choice('--output format', m[1], NAMES), file: m[2]! };
  });
}

/** The `--format` line of a usage text, aligned at `column`. */
export const formatUsage = (column: number): `  --format <format>${string}` =>
  `  --format <format>${' '.repeat(Math.max(1, column - 19))}${NAMES.map((n) => (n === 'text' ? 'text (default)' : n)).join(' | ')}`;

/** The sweep's results as `check` reports them: the same results, its unreadable regions as errors. */
export function sweepAsCheck(report: SweepReport, ruleSet: string): CheckReport {
  return {
    ruleSet,
    results: report.resources.map((r) => r.result),
    errors: report.failures.map((f) => ({ source: `${f.account}/${f.region}`, message: `${f.operation ? `${f.operation}: ` : ''}${f.code}: ${f.message}` })),
    unjudged: [],
    summary: report.summary,
  };
}
