// Histories of real runs, kept for test/temporal/replay.test.ts. `UPDATE_HISTORIES=1` on a
// cluster test run refreshes them; normal runs leave the committed files alone.
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal as proto } from '@temporalio/proto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type History = proto.api.history.v1.IHistory;

export async function saveHistory(
  handle: { fetchHistory(): Promise<History> },
  name: string,
): Promise<void> {
  if (process.env.UPDATE_HISTORIES !== '1') return;
  const dir = join(__dirname, '..', 'temporal', 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), historyToJSON(await handle.fetchHistory()));
}
