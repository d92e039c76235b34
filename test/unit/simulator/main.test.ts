import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/simulator/main';
import { CA } from './cluster-join-fixtures';

test('the CLI starts on 127.0.0.1 with the seeded token and prints its URL', async () => {
  const out: string[] = [];
  const write = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const sim = await main(['--port', '0', '--token', 'cli-token', '--provisioning-delay-ms', '5']);
  write.mockRestore();
  try {
    const printed = JSON.parse(out.join('')) as { url: string };
    expect(printed.url).toBe(sim!.url);
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(`${printed.url}/apps/v2/sshkeys`, {
      headers: { 'Vpsie-Auth': 'cli-token' },
    });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${printed.url}/apps/v2/sshkeys`, {
      headers: { 'Vpsie-Auth': 'vpsie-simulator-token' },
    });
    expect(refused.status).toBe(401);
    expect(sim!.state.provisioningDelayMs).toBe(5);
  } finally {
    await sim!.close();
  }
});

test('the CLI refuses bad flags', async () => {
  await expect(main(['--port', 'eighty'])).rejects.toThrow(/--port must be a non-negative integer/);
  await expect(main(['--client-id', 'x'])).rejects.toThrow(/go together/);
  await expect(main(['--bogus'])).rejects.toThrow();
});

test('--kubeconfig enables cluster joining; a kubeconfig that cannot be used stops the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-kubeconfig-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: "' +
        Buffer.from(CA).toString('base64') +
        '"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const logs = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const sim = await main(['--port', '0', '--kubeconfig', path, '--join-delay-ms', '0']);
    expect(sim!.cluster).toBeDefined();
    await sim!.close();
    await expect(main(['--kubeconfig', join(dir, 'missing')])).rejects.toThrow();
    await expect(main(['--api-server-endpoint', '10.0.0.1:6443'])).rejects.toThrow(
      /need --kubeconfig/,
    );
  } finally {
    write.mockRestore();
    logs.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
});
