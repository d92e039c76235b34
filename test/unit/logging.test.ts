import { createLogger, REDACTED } from '../../src/logging/logger';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (l) => lines.push(l), now: () => new Date(0) });
  return {
    lines,
    logger,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('writes one JSON object per line with time, level, message and fields', () => {
  const { logger, parsed } = capture();
  logger.info('node ready', { node: 'n1', attempts: 2 });
  expect(parsed()).toEqual([
    { time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'node ready', node: 'n1', attempts: 2 },
  ]);
});

test('drops lines below the configured level', () => {
  const { logger, lines } = capture('info');
  logger.debug('noise');
  logger.warn('kept');
  expect(lines).toHaveLength(1);
});

test('child loggers carry their bindings and can add more', () => {
  const { logger, parsed } = capture();
  logger.child({ component: 'worker' }).child({ operation: 'provision/ns/a' }).error('failed');
  expect(parsed()[0]).toMatchObject({
    component: 'worker',
    operation: 'provision/ns/a',
    level: 'error',
  });
});

test('redacts secret fields at any depth, in arrays and in free text', () => {
  const { logger, lines } = capture();
  logger.info('calling API with Bearer abc.def.ghi', {
    token: 'tok-123',
    vpsie: { clientSecret: 's3cr3t', clientId: 'public-id' },
    headers: [{ 'Vpsie-Auth': 'tok-456' }],
    key: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----',
  });
  const line = lines[0]!;
  for (const secret of ['tok-123', 's3cr3t', 'tok-456', 'abc.def.ghi', 'AAAA']) {
    expect(line).not.toContain(secret);
  }
  const entry = JSON.parse(line);
  expect(entry.token).toBe(REDACTED);
  expect(entry.vpsie.clientId).toBe('public-id');
});

test('errors are logged with name and message, secrets in them redacted', () => {
  const { logger, parsed } = capture();
  logger.error('request failed', { err: new Error('401 for Vpsie-Auth: tok-789') });
  const err = parsed()[0]!.err as { name: string; message: string };
  expect(err.name).toBe('Error');
  expect(err.message).not.toContain('tok-789');
});

test('text format is one readable line', () => {
  const lines: string[] = [];
  createLogger({ format: 'text', write: (l) => lines.push(l), now: () => new Date(0) }).info('hi', {
    a: 1,
  });
  expect(lines).toEqual(['1970-01-01T00:00:00.000Z INFO hi a=1']);
});
