/**
 * vitest globalSetup: starts ONE local moto server (a fake AWS, `moto_server`) for the whole run
 * and hands its URL to the test files through `provide('motoEndpoint')`. Tests read it with the
 * helpers in test/helpers/moto.ts.
 *
 * Without `moto_server` on PATH the endpoint is null and the AWS integration tests skip (the skip
 * summary at the end of `npm test` counts them, see test/setup/prerequisites.ts), so a plain
 * `npm test` still works on a machine without Python; CI sets ECS_ADMISSION_REQUIRE_MOTO=1 so that a
 * missing server fails the run instead of skipping those tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { required } from './prerequisites.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's moto server, or null when moto is not installed. */
    motoEndpoint: string | null;
  }
}

const READY_TIMEOUT_MS = 20_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // The server's stdout/stderr go to a file: a moto HTTP 500 reaches the SDK as an HTML page
  // (a "Deserialization error"), and the Python traceback with the real cause is only here.
  const logPath = join(tmpdir(), `ecs-admission-moto-${process.pid}-${port}.log`);
  const logFd = openSync(logPath, 'w');

  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd); // the child holds its own copy of the descriptor
  let stopping = false;

  try {
    await spawned(child);
  } catch (error) {
    rmSync(logPath, { force: true });
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (required('moto')) {
      throw new Error("moto_server not found, and ECS_ADMISSION_REQUIRE_MOTO=1: install it with pip install 'moto[server]'");
    }
    console.warn("moto_server not found: the AWS integration tests are skipped (counted at the end); install with pip install 'moto[server]'");
    project.provide('motoEndpoint', null);
    return async () => {};
  }

  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`moto_server exited during the test run (code ${code}, signal ${signal}); its log: ${logPath}`);
  });

  try {
    await waitUntilReady(endpoint, child);
  } catch (error) {
    stopping = true;
    child.kill('SIGKILL');
    const log = readFileSync(logPath, 'utf8').slice(-2000);
    throw new Error(`${(error as Error).message}; moto_server log: ${logPath}\n${log}`);
  }

  project.provide('motoEndpoint', endpoint);

  return async () => {
    stopping = true;
    await stop(child);
    // Keep the log only when asked: each run would leave one behind otherwise.
    if (process.env.ECS_ADMISSION_KEEP_MOTO_LOG !== '1') rmSync(logPath, { force: true });
  };
}

/** A port nobody listens on now: the OS picks one for a listener on port 0, which we close. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Resolves once the process runs; rejects with the spawn error (ENOENT when not on PATH). */
function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited before it was ready (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer GET ${endpoint}/moto-api/ within ${READY_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
