import {
  decide,
  observe,
  recordFromSpec,
  releasedRecord,
  specFromRecord,
  type LeaderRecord,
} from '../../../src/controller/lease-decision';

const me = { identity: 'me', leaseDurationSeconds: 15 };
const t0 = Date.parse('2026-03-01T10:00:00Z');
const seconds = (n: number) => t0 + n * 1000;

const heldBy = (holderIdentity: string, extra: Partial<LeaderRecord> = {}): LeaderRecord => ({
  holderIdentity,
  leaseDurationSeconds: 15,
  acquireTime: seconds(-100),
  renewTime: seconds(-1),
  leaseTransitions: 3,
  ...extra,
});

test('no Lease at all: we create it as holder with no transitions yet', () => {
  expect(decide(undefined, me, t0)).toEqual({
    action: 'acquire',
    record: {
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: t0,
      renewTime: t0,
      leaseTransitions: 0,
    },
  });
});

test('a lease another candidate holds is respected until it expires by our clock', () => {
  const seen = observe(undefined, heldBy('other'), t0);
  expect(decide(seen, me, seconds(14.9))).toEqual({
    action: 'wait',
    holder: 'other',
    expiresAt: seconds(15),
  });
});

test('an expired lease is taken over and the transition counted', () => {
  const seen = observe(undefined, heldBy('other'), t0);
  const decision = decide(seen, me, seconds(15));
  expect(decision).toEqual({
    action: 'acquire',
    record: {
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: seconds(15),
      renewTime: seconds(15),
      leaseTransitions: 4,
    },
  });
});

test("expiry uses the holder's own lease duration", () => {
  const seen = observe(undefined, heldBy('other', { leaseDurationSeconds: 60 }), t0);
  expect(decide(seen, me, seconds(30))).toMatchObject({ action: 'wait', expiresAt: seconds(60) });
  expect(decide(seen, me, seconds(60))).toMatchObject({ action: 'acquire' });
});

test('a renewTime stamped long ago by a skewed clock does not expire a lease we just saw', () => {
  const stale = heldBy('other', { renewTime: seconds(-3600) });
  expect(decide(observe(undefined, stale, t0), me, seconds(1))).toMatchObject({ action: 'wait' });
});

test('a lease the holder keeps renewing never expires', () => {
  let seen = observe(undefined, heldBy('other', { renewTime: seconds(0) }), seconds(0));
  seen = observe(seen, heldBy('other', { renewTime: seconds(10) }), seconds(10));
  expect(seen.observedAt).toBe(seconds(10));
  expect(decide(seen, me, seconds(20))).toMatchObject({ action: 'wait', expiresAt: seconds(25) });
});

test('reading an unchanged record again keeps the time it was first seen', () => {
  const first = observe(undefined, heldBy('other'), t0);
  expect(observe(first, heldBy('other'), seconds(10))).toBe(first);
});

test('our own lease is renewed: renewTime moves, acquireTime and transitions stay', () => {
  const seen = observe(undefined, heldBy('me', { leaseDurationSeconds: 10 }), t0);
  expect(decide(seen, me, seconds(2))).toEqual({
    action: 'renew',
    record: {
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: seconds(-100),
      renewTime: seconds(2),
      leaseTransitions: 3,
    },
  });
});

test('a released lease (no holder) is taken at once', () => {
  const released = releasedRecord(heldBy('other'), t0);
  expect(released).toEqual({
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: t0,
    renewTime: t0,
    leaseTransitions: 3,
  });
  const seen = observe(undefined, released, t0);
  expect(decide(seen, me, t0)).toMatchObject({
    action: 'acquire',
    record: { holderIdentity: 'me', leaseTransitions: 4 },
  });
});

test('a lease written without a duration expires after ours', () => {
  const seen = observe(undefined, heldBy('other', { leaseDurationSeconds: undefined }), t0);
  expect(decide(seen, me, seconds(14))).toMatchObject({ action: 'wait', expiresAt: seconds(15) });
});

test('Lease spec times go out as MicroTime (six digits) and come back as the same instant', () => {
  const record = heldBy('me', { renewTime: Date.parse('2026-03-01T10:00:00.123Z') });
  const spec = specFromRecord(record);
  expect(spec.renewTime).toBe('2026-03-01T10:00:00.123000Z');
  expect(recordFromSpec(spec)).toEqual(record);
  // client-node hands MicroTime back as the raw string; a Date (other code paths) works too.
  expect(recordFromSpec({ renewTime: new Date(t0) as never }).renewTime).toBe(t0);
});

test('an empty spec reads as an unheld lease', () => {
  expect(recordFromSpec(undefined)).toEqual({
    holderIdentity: '',
    leaseDurationSeconds: undefined,
    acquireTime: undefined,
    renewTime: undefined,
    leaseTransitions: 0,
  });
});
