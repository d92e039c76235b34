// Saved histories of real runs (recorded by the provisioning and scale-down cluster tests with
// UPDATE_HISTORIES=1) must replay against today's workflow code: a change that would break
// workflows already running in production fails here instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../src/worker/worker';

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are saved histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(6);
});

test.each(files)('history %s replays deterministically', async (file) => {
  const history = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  await expect(
    Worker.runReplayHistory(
      { workflowsPath: workflowsPath() },
      history,
      file.replace(/\.json$/, ''),
    ),
  ).resolves.toBeUndefined();
});
