import { nameOf } from '../../core/unknown.js';

/**
 * Host paths compared the way the host resolves them, so that `/etc/`, `/etc/.`, `//etc` and
 * `/srv/../etc` are all `/etc`. Windows paths (`C:\ProgramData\docker`) use `/` and lower case.
 */
export function normalizeHostPath(raw: string): string {
  const trimmed = raw.trim();
  const path = trimmed.replaceAll('\\', '/');
  let root = '';
  let rest = path;
  const drive = /^([A-Za-z]):(?:\/|$)/.exec(path);
  if (drive) {
    root = `${drive[1]!.toLowerCase()}:/`;
    rest = path.slice(2);
  } else if (trimmed.startsWith('\\\\')) {
    root = '//'; // UNC path or Windows named pipe (`\\.\pipe\docker_engine`); Linux reads `//etc` as `/etc`
  } else if (path.startsWith('/')) {
    root = '/';
  }
  const segments: string[] = [];
  for (const segment of rest.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      // Never above the root; a relative path keeps its leading `..`.
      if (segments.length > 0 && segments[segments.length - 1] !== '..') segments.pop();
      else if (!root) segments.push('..');
      continue;
    }
    segments.push(segment);
  }
  const joined = root + segments.join('/');
  return drive || root === '//' ? joined.toLowerCase() : joined || '.';
}

const isRoot = (normalized: string): boolean => normalized === '/' || /^[a-z]:\/$/.test(normalized);

/**
 * Whether normalized `path` is `parent` or lies under it. A root (`/`, `c:/`) matches only
 * itself: everything lies under it, and mounting a subdirectory is not mounting the root.
 */
export function isInOrUnder(path: string, parent: string): boolean {
  if (path === parent) return true;
  if (isRoot(parent)) return false;
  return path.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/** `Volume "data"`, or `Volume volumes[1]` when its name is not a literal. */
export const volumeLabel = (volume: { name?: unknown }, path: string): string => {
  const name = nameOf(volume);
  return name ? `Volume "${name}"` : `Volume ${path}`;
};
