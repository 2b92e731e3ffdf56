// Types for the tests of action/report.mjs (plain JavaScript, run by the action as it is).
export function escapeData(s: string): string;
export function escapeProperty(s: string): string;
export function changedLines(workspace: string, eventPath: string | undefined): { lines: Map<string, Set<number>> | null; why: string };
export function annotations(report: object, workspace: string, changed: Map<string, Set<number>> | null): string[];
