import { WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  groupFromSearchAttribute,
  InFlightRemovals,
} from '../../../src/controller/scale-down-in-flight';
import { SearchAttributes } from '../../../src/temporal/search-attributes';
import {
  parseScaleDownWorkflowId,
  scaleDownWorkflowId,
} from '../../../src/workflows/scale-down-node';

test('a scale-down workflow id gives back its namespace and node', () => {
  const id = scaleDownWorkflowId({ namespace: 'prod', nodeName: 'web-abc.example' });
  expect(parseScaleDownWorkflowId(id)).toEqual({ namespace: 'prod', nodeName: 'web-abc.example' });
});

test.each(['provision/prod/web-abc', 'scale-down/prod', 'scale-down//web', 'scale-down/a/b/c'])(
  '%s is not a scale-down workflow id',
  (id) => {
    expect(parseScaleDownWorkflowId(id)).toBeUndefined();
  },
);

test('the group comes from the search attribute only when it is of the same namespace', () => {
  expect(groupFromSearchAttribute('prod/web', 'prod')).toBe('web');
  expect(groupFromSearchAttribute('staging/web', 'prod')).toBeUndefined();
  expect(groupFromSearchAttribute('prod/', 'prod')).toBeUndefined();
  expect(groupFromSearchAttribute(undefined, 'prod')).toBeUndefined();
});

/** A WorkflowClient answering list() from `visible` and describe() from `statuses`. */
function fakeWorkflows(
  visible: Array<{ workflowId: string; nodeGroup?: string }>,
  statuses: Record<string, string>,
) {
  const queries: string[] = [];
  const described: string[] = [];
  const client = {
    list({ query }: { query: string }) {
      queries.push(query);
      return (async function* () {
        for (const wf of visible) {
          yield {
            workflowId: wf.workflowId,
            typedSearchAttributes: new TypedSearchAttributes(
              wf.nodeGroup ? [{ key: SearchAttributes.nodeGroup, value: wf.nodeGroup }] : [],
            ),
          };
        }
      })();
    },
    getHandle(workflowId: string) {
      return {
        describe: () => {
          described.push(workflowId);
          const name = statuses[workflowId];
          if (!name)
            return Promise.reject(new WorkflowNotFoundError('gone', workflowId, undefined));
          return Promise.resolve({ status: { name } });
        },
      };
    },
  };
  return { client: client as unknown as WorkflowClient, queries, described };
}

test('running scale-downs come from visibility, grouped by their search attribute', async () => {
  const { client, queries, described } = fakeWorkflows(
    [
      { workflowId: 'scale-down/prod/web-1', nodeGroup: 'prod/web' },
      { workflowId: 'scale-down/prod/web-2' },
      { workflowId: 'something-else' },
    ],
    {},
  );
  const removals = await new InFlightRemovals(client).list();
  expect(removals).toEqual([
    { workflowId: 'scale-down/prod/web-1', namespace: 'prod', nodeName: 'web-1', nodeGroup: 'web' },
    { workflowId: 'scale-down/prod/web-2', namespace: 'prod', nodeName: 'web-2' },
  ]);
  expect(queries).toEqual(['WorkflowType = "scaleDownNode" AND ExecutionStatus = "Running"']);
  expect(described).toEqual([]);
});

test('a workflow started here counts until visibility lists it, while it runs', async () => {
  const statuses: Record<string, string> = { 'scale-down/prod/web-1': 'RUNNING' };
  const visible: Array<{ workflowId: string; nodeGroup?: string }> = [];
  const { client, described } = fakeWorkflows(visible, statuses);
  const tracker = new InFlightRemovals(client);
  tracker.remember({ namespace: 'prod', nodeGroup: 'web', nodeName: 'web-1' });

  // Visibility lags: described, and counted.
  expect(await tracker.list()).toEqual([
    { workflowId: 'scale-down/prod/web-1', namespace: 'prod', nodeName: 'web-1', nodeGroup: 'web' },
  ]);
  expect(described).toEqual(['scale-down/prod/web-1']);

  // Visibility caught up: no more describes for it.
  visible.push({ workflowId: 'scale-down/prod/web-1', nodeGroup: 'prod/web' });
  expect(await tracker.list()).toHaveLength(1);
  visible.pop();
  expect(await tracker.list()).toEqual([]);
  expect(described).toEqual(['scale-down/prod/web-1']);
});

test('a remembered workflow that finished or never existed stops counting', async () => {
  const { client, described } = fakeWorkflows([], { 'scale-down/prod/web-1': 'COMPLETED' });
  const tracker = new InFlightRemovals(client);
  tracker.remember({ namespace: 'prod', nodeGroup: 'web', nodeName: 'web-1' });
  tracker.remember({ namespace: 'prod', nodeGroup: 'web', nodeName: 'web-2' });
  expect(await tracker.list()).toEqual([]);
  expect(await tracker.list()).toEqual([]);
  // Forgotten after the first look: each was described once.
  expect(described.sort()).toEqual(['scale-down/prod/web-1', 'scale-down/prod/web-2']);
});
