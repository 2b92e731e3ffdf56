/**
 * The documentation as tests read it — the README, CONTRIBUTING.md and docs/*.md: sections, shell
 * recipes and tables, so that what the docs say is what runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './cli.js';

/** A documentation file, by its path from the repository root (`README.md`, `docs/lambda.md`). */
export const doc = (file: string): string => readFileSync(join(root, file), 'utf8');

/** Every Markdown page of the documentation: the README, CONTRIBUTING.md, policies/README.md and every .md file under docs/. */
export const docFiles = (): string[] => [
  'README.md',
  'CONTRIBUTING.md',
  'policies/README.md',
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** The text under a heading of a file (`## Run it locally`), up to the next heading of the same or a higher level. */
export function docSection(file: string, heading: string): string {
  const text = doc(file);
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const lines = text.slice(start + heading.length + 2).split('\n');
  // A `#` line inside a fenced block is a shell comment, not a heading.
  let fenced = false;
  const end = lines.findIndex((line) => {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    return !fenced && new RegExp(`^#{1,${level}} `).test(line);
  });
  return (end < 0 ? lines : lines.slice(0, end)).join('\n');
}

/** The commands of the ```sh blocks of a text: comments dropped, continued lines (`\`) joined. */
export function shellCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

/** The rows of the first table of a text whose header row has these columns, as column → cell text. */
export function markdownTable(text: string, columns: readonly string[]): Record<string, string>[] {
  const lines = text.split('\n');
  const cells = (line: string): string[] =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
  const header = lines.findIndex((line) => line.startsWith('|') && cells(line).join('|') === columns.join('|'));
  if (header < 0) throw new Error(`no table with the columns ${columns.join(', ')}`);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(Object.fromEntries(cells(line).map((cell, i) => [columns[i]!, cell])));
  }
  return rows;
}

/** The `code spans` of a cell of text, in order. */
export const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The Lambda's permissions table (docs/lambda.md), which test/deployment/iam.test.ts holds to the packaged roles. */
export const iamSection = (): string => docSection('docs/lambda.md', '## Permissions (IAM)');

/** The actions the IAM table of docs/lambda.md grants to a role (`admission`, `sweep`): `ecs:DescribeTasks`… */
export function grantedActions(role: string): Set<string> {
  const rows = markdownTable(iamSection(), ['role', 'actions', 'resources', 'conditions', 'why']);
  return new Set(rows.filter((row) => row.role === role).flatMap((row) => codeSpans(row.actions!)));
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings (fenced blocks skipped), with -1, -2… for repeats as GitHub numbers them. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} +(.+?) *#*$/.exec(line);
    if (!m) continue;
    const slug = headingSlug(m[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}
