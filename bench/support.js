// What the Lambda and sweep benchmarks share: moto server (started as test/setup/moto-server.ts
// starts it for the tests) and a bundle of the sources they measure.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { build } from 'esbuild';

/**
 * Starts moto_server on a free loopback port, its log in `logPath`; returns its URL and process,
 * or undefined when it is not installed.
 */
export async function startMoto(logPath) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFd = openSync(logPath, 'w');
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  try {
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      if ((await globalThis.fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, child };
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start; its log:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * An ESM bundle of `exportLines` (re-exports from the repository's sources and packages), built
 * with the options of scripts/build.js, so a benchmark imports exactly the code that ships.
 */
export async function benchBundle(exportLines, outfile) {
  await build({
    stdin: { contents: exportLines.join('\n'), resolveDir: new URL('..', import.meta.url).pathname, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}
