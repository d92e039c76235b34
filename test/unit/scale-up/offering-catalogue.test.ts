import { OfferingCatalogue } from '../../../src/controller/offering-catalogue';
import type { Offering } from '../../../src/vpsie/types';

const offering = (id: string, available = true): Offering => ({
  id,
  name: id,
  cpu: 2,
  ramMb: 4096,
  diskGb: 80,
  priceMonthly: 24,
  available,
});

test('the list is read once per TTL, unavailable offerings left out', async () => {
  let now = 0;
  let calls = 0;
  const source = { listOfferings: async () => (calls++, [offering('a'), offering('b', false)]) };
  const catalogue = new OfferingCatalogue(source, 300, () => now);
  expect([...(await catalogue.offerings()).keys()]).toEqual(['a']);
  now = 299_000;
  await catalogue.offerings();
  expect(calls).toBe(1);
  now = 300_000;
  await catalogue.offerings();
  expect(calls).toBe(2);
});

test('a failed refresh keeps the last good list; with none it fails', async () => {
  let now = 0;
  let fail = false;
  const source = {
    listOfferings: async () => {
      if (fail) throw new Error('VPSie down');
      return [offering('a')];
    },
  };
  const catalogue = new OfferingCatalogue(source, 1, () => now);
  await catalogue.offerings();
  fail = true;
  now = 5000;
  expect([...(await catalogue.offerings()).keys()]).toEqual(['a']);
  const empty = new OfferingCatalogue(source, 1, () => now);
  await expect(empty.offerings()).rejects.toThrow('VPSie down');
});
