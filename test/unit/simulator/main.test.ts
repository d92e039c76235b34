import { main } from '../../../src/simulator/main';

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
