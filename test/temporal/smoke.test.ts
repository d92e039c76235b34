// Smoke test: the Temporal dev server is real (the official CLI), our worker runs an activity,
// and a visibility query by one of our search attributes finds the workflow.
import { randomUUID } from 'node:crypto';
import { TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { SearchAttributes } from '../../src/temporal/search-attributes';
import { createTemporalEnv } from '../support/temporal';
import { smokeWorkflow } from './fixtures/smoke-workflows';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTemporalEnv();
});

afterAll(async () => {
  await env?.teardown();
});

test('a workflow runs an activity and is found by a search-attribute query', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const operation = `smoke-${randomUUID()}`;
  const calls: string[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./fixtures/smoke-workflows'),
    activities: {
      async greet(name: string) {
        calls.push(name);
        return `hello ${name}`;
      },
    },
  });

  const result = await worker.runUntil(
    env.client.workflow.execute(smokeWorkflow, {
      taskQueue,
      workflowId: `smoke/${operation}`,
      args: ['vpsie'],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SearchAttributes.operation, value: operation },
      ]),
    }),
  );
  expect(result).toBe('hello vpsie');
  expect(calls).toEqual(['vpsie']);

  // Visibility is eventually consistent: poll the list query briefly.
  let found: string[] = [];
  for (let i = 0; i < 40 && found.length === 0; i++) {
    found = [];
    for await (const wf of env.client.workflow.list({
      query: `${SearchAttributes.operation.name} = "${operation}"`,
    })) {
      found.push(wf.workflowId);
    }
    if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
  }
  expect(found).toEqual([`smoke/${operation}`]);
});
