import { silentLogger } from '../../../src/logging/logger';
import { ClientCredentialsTokenSource, StaticTokenSource } from '../../../src/vpsie/auth';
import type { AccessToken } from '../../../src/vpsie/types';
import { manualClock } from './harness';

function source(lifetimeMs: number | undefined, refreshMarginMs = 5 * 60_000) {
  const clock = manualClock();
  let issued = 0;
  const fetches: string[] = [];
  const fetchToken = jest.fn(async (clientId: string): Promise<AccessToken> => {
    issued += 1;
    fetches.push(clientId);
    return {
      token: `token-${issued}`,
      expiresAt: lifetimeMs === undefined ? undefined : clock.now() + lifetimeMs,
    };
  });
  const tokens = new ClientCredentialsTokenSource({
    clientId: 'cid',
    clientSecret: 'secret',
    fetchToken,
    clock,
    refreshMarginMs,
    logger: silentLogger,
  });
  return { tokens, clock, fetchToken };
}

test('fetches once and reuses the token until the refresh margin', async () => {
  const { tokens, clock, fetchToken } = source(60 * 60_000);
  expect(await tokens.token()).toBe('token-1');
  clock.advance(54 * 60_000);
  expect(await tokens.token()).toBe('token-1');
  clock.advance(60_000); // 5 minutes before expiry
  expect(await tokens.token()).toBe('token-2');
  expect(fetchToken).toHaveBeenCalledTimes(2);
});

test('short-lived tokens are refreshed halfway through their life', async () => {
  const { tokens, clock } = source(2000);
  await tokens.token();
  clock.advance(999);
  expect(await tokens.token()).toBe('token-1');
  clock.advance(1);
  expect(await tokens.token()).toBe('token-2');
});

test('concurrent callers share one fetch', async () => {
  const { tokens, fetchToken } = source(60_000);
  const all = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);
  expect(all).toEqual(['token-1', 'token-1', 'token-1']);
  expect(fetchToken).toHaveBeenCalledTimes(1);
});

test('invalidate drops only the token that was refused', async () => {
  const { tokens } = source(60 * 60_000);
  await tokens.token();
  tokens.invalidate('some-older-token');
  expect(await tokens.token()).toBe('token-1');
  tokens.invalidate('token-1');
  expect(await tokens.token()).toBe('token-2');
});

test('a token without a readable expiry is kept until the API refuses it', async () => {
  const { tokens, clock } = source(undefined);
  await tokens.token();
  clock.advance(365 * 24 * 3600_000);
  expect(await tokens.token()).toBe('token-1');
});

test('a failed fetch is not cached', async () => {
  const clock = manualClock();
  const fetchToken = jest
    .fn<Promise<AccessToken>, [string, string]>()
    .mockRejectedValueOnce(new Error('down'))
    .mockResolvedValueOnce({ token: 'ok', expiresAt: clock.now() + 60_000 });
  const tokens = new ClientCredentialsTokenSource({
    clientId: 'c',
    clientSecret: 's',
    fetchToken,
    clock,
    refreshMarginMs: 1000,
    logger: silentLogger,
  });
  await expect(tokens.token()).rejects.toThrow('down');
  expect(await tokens.token()).toBe('ok');
});

test('secrets lists what must be scrubbed; a static token cannot be refreshed', async () => {
  const { tokens } = source(60_000);
  await tokens.token();
  expect(tokens.secrets()).toEqual(['secret', 'token-1']);
  const fixed = new StaticTokenSource('static');
  expect(fixed.refreshable).toBe(false);
  expect(await fixed.token()).toBe('static');
  expect(() => new StaticTokenSource('')).toThrow();
});
