// Smoke test: promtool is the real one and checks rule files the way CI will.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { components } from '../../scripts/dev/lib/components';

function checkRules(content: string) {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, content);
  const promtool = components.promtool();
  return spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
}

test('promtool accepts a valid rule file', () => {
  const result = checkRules(
    [
      'groups:',
      '  - name: smoke',
      '    rules:',
      '      - alert: SmokeAlways',
      '        expr: vector(1) > 0',
      '        for: 1m',
      '        labels: { severity: info }',
      '',
    ].join('\n'),
  );
  expect(result.stdout + result.stderr).toMatch(/SUCCESS: 1 rules found/);
  expect(result.status).toBe(0);
});

test('promtool rejects a rule whose expression does not parse', () => {
  const result = checkRules(
    [
      'groups:',
      '  - name: smoke',
      '    rules:',
      '      - alert: Broken',
      '        expr: sum(rate(x[5m]',
      '',
    ].join('\n'),
  );
  expect(result.status).not.toBe(0);
  expect(result.stdout + result.stderr).toMatch(/parse error|unclosed/i);
});
