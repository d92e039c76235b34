// Background processes for local services: started detached with their output in a log file
// and their pid in a pid file, so a later command (or a jest teardown) can stop them.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function startService(spec: ServiceSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    detached: true,
    cwd: spec.cwd,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...spec.env },
  });
  if (child.pid === undefined) throw new Error(`${spec.name}: failed to start ${spec.command}`);
  child.unref();
  writeFileSync(spec.pidFile, String(child.pid));
  return child.pid;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Stop a service by its pid file: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopService(pidFile: string, graceMs = 10_000): Promise<void> {
  const pid = readPid(pidFile);
  if (pid !== undefined && isRunning(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isRunning(pid) && Date.now() < deadline) await sleep(100);
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

/** The last `lines` lines of a log file, for error messages ('' when there is none). */
export function logTail(logFile: string, lines = 20): string {
  if (!existsSync(logFile)) return '';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A service that died while starting, e.g. because its port was taken meanwhile. */
export class ServiceExitedError extends Error {}

/** Poll `check` until it returns true; fail naming the component and pointing at its log. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  logFile?: string,
  /** The process being waited for: if it exits, fail at once instead of at the timeout. */
  pid?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (pid !== undefined && !isRunning(pid)) {
      const tail = logFile ? `:\n${logTail(logFile, 5)}` : '';
      throw new ServiceExitedError(`${what}: the process exited${tail}`);
    }
    await sleep(250);
  }
  const hint = logFile ? `; end of ${logFile}:\n${logTail(logFile)}` : '';
  throw new Error(`${what} not ready within ${Math.round(timeoutMs / 1000)}s${hint}`);
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export { freeLoopbackPort as freePort } from '../../../src/worker/ports';
