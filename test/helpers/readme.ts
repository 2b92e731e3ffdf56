/** The README as tests read it: sections, shell recipes and tables, so that what it says is what runs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './cli.js';

export const readme = (): string => readFileSync(join(root, 'README.md'), 'utf8');

/** The text under a heading (`### Run it locally`), up to the next heading of the same or a higher level. */
export function readmeSection(heading: string): string {
  const text = readme();
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
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
  const cells = (line: string): string[] => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
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

/** The actions the README's IAM table grants to a role (`admission`, `sweep`): `ecs:DescribeTasks`… */
export function grantedActions(role: string): Set<string> {
  const rows = markdownTable(readmeSection('### Permissions (IAM)'), ['role', 'actions', 'resources', 'conditions', 'why']);
  return new Set(rows.filter((row) => row.role === role).flatMap((row) => codeSpans(row.actions!)));
}
