// The Temporal CLI's dev server for local use: 127.0.0.1 only, SQLite file in .local (state
// survives restarts unless started `fresh`), Web UI on its own port, our search attributes
// registered.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { searchAttributeFlags } from '../../../src/temporal/search-attributes';
import { LOCAL_DIR, components } from './components';
import { freePort, readPid, isRunning, startService, stopService, waitUntil } from './processes';

export interface TemporalState {
  address: string;
  uiUrl: string;
  namespace: string;
  dbFile: string;
  logFile: string;
}

const dir = (name: string) => join(LOCAL_DIR, 'temporal', name);

export function readTemporalState(name: string): TemporalState | undefined {
  const file = join(dir(name), 'state.json');
  const pid = readPid(join(dir(name), 'temporal.pid'));
  if (!existsSync(file) || pid === undefined || !isRunning(pid)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as TemporalState;
}

export interface TemporalStartOptions {
  /** Stop a running server and delete its SQLite history first (the demo's clean start). */
  fresh?: boolean;
}

export async function startTemporal(
  name: string,
  namespace = 'default',
  options: TemporalStartOptions = {},
): Promise<TemporalState> {
  if (options.fresh) {
    await stopTemporal(name);
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      rmSync(join(dir(name), `temporal.sqlite${suffix}`), { force: true });
    }
  }
  const running = readTemporalState(name);
  if (running) return running;
  const temporal = components.temporalCli();
  mkdirSync(dir(name), { recursive: true });
  const port = await freePort();
  const uiPort = await freePort();
  const state: TemporalState = {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    dbFile: join(dir(name), 'temporal.sqlite'),
    logFile: join(dir(name), 'temporal.log'),
  };
  startService({
    name: 'temporal',
    command: temporal,
    args: [
      'server',
      'start-dev',
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--ui-port=${uiPort}`,
      `--db-filename=${state.dbFile}`,
      `--namespace=${namespace}`,
      '--log-level=warn',
      ...searchAttributeFlags().flatMap((flag) => ['--search-attribute', flag]),
    ],
    logFile: state.logFile,
    pidFile: join(dir(name), 'temporal.pid'),
  });
  await waitUntil(
    'Temporal dev server',
    60_000,
    async () => {
      execFileSync(temporal, ['operator', 'cluster', 'health', `--address=${state.address}`], {
        stdio: 'ignore',
      });
      return true;
    },
    state.logFile,
  );
  writeFileSync(join(dir(name), 'state.json'), JSON.stringify(state, null, 2));
  return state;
}

export async function stopTemporal(name: string): Promise<void> {
  await stopService(join(dir(name), 'temporal.pid'));
  rmSync(join(dir(name), 'state.json'), { force: true });
}
