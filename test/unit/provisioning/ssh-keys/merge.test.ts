// The work plan's SSH key cases (P1.4-T5) on the pure merge: global key ids, NodeGroup keys,
// keys from a Secret, merging and de-duplication, plus what happens to bad and missing keys.
import {
  chooseTemplateSource,
  parseNodeRegistration,
  renderCloudInit,
  SAMPLE_BUILT_IN_VARIABLES,
} from '../../../../src/provisioning/cloud-init';
import { mergeSshKeys, secretSshKeys } from '../../../../src/provisioning/ssh-keys';
import { ed25519Key, rsaKey } from './openssh-keys';

const alice = ed25519Key('alice@example.com');
const bob = ed25519Key('bob@example.com');
const carol = rsaKey(2048, 'carol@example.com');

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('TestSSHKeys_GlobalKeys', () => {
  test('the default key ids apply to a NodeGroup that names no keys', () => {
    expect(mergeSshKeys({ defaultKeyIds: ['global-1', 'global-2'], nodeGroup: {} })).toEqual({
      keyIds: ['global-1', 'global-2'],
      publicKeys: [],
      warnings: [],
      rejected: [],
    });
  });

  test('and to one that names its own, ahead of them', () => {
    const merged = mergeSshKeys({
      defaultKeyIds: ['global-1'],
      nodeGroup: { sshKeyIds: ['group-1'] },
    });
    expect(merged.keyIds).toEqual(['global-1', 'group-1']);
  });

  test('no sources at all gives no keys and no complaints', () => {
    expect(mergeSshKeys({})).toEqual({ keyIds: [], publicKeys: [], warnings: [], rejected: [] });
  });
});

describe('TestSSHKeys_NodeGroupKeys', () => {
  test('sshKeyIds become key ids and sshPublicKeys normalised public keys, in order', () => {
    const merged = mergeSshKeys({
      nodeGroup: {
        sshKeyIds: ['a3f5c7e9-1b2d-4e6f-8a0c-2e4f6a8c0e01', '102'],
        sshPublicKeys: [`  ${alice.line}\n`, carol.line],
      },
    });
    expect(merged.keyIds).toEqual(['a3f5c7e9-1b2d-4e6f-8a0c-2e4f6a8c0e01', '102']);
    expect(merged.publicKeys).toEqual([alice.line, carol.line]);
  });

  test('an invalid public key is left out with its source, the others are kept', () => {
    const weak = rsaKey(1024);
    const merged = mergeSshKeys({
      nodeGroup: { sshPublicKeys: [alice.line, 'ssh-dss AAAAB3NzaC1kc3M=', weak.line] },
    });
    expect(merged.publicKeys).toEqual([alice.line]);
    expect(merged.rejected).toEqual([
      {
        source: 'nodegroup.sshPublicKeys[1]',
        reason: expect.stringMatching(/^nodegroup\.sshPublicKeys\[1\] is a DSA key/),
      },
      {
        source: 'nodegroup.sshPublicKeys[2]',
        reason: expect.stringMatching(/^nodegroup\.sshPublicKeys\[2\] is a 1024-bit RSA key/),
        fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
      },
    ]);
  });

  test('invalid key ids are left out, and a public key given as an id is pointed out', () => {
    const merged = mergeSshKeys({
      defaultKeyIds: ['', 'ok-1'],
      nodeGroup: { sshKeyIds: [alice.line, 'ok-2', 'bad id'] },
    });
    expect(merged.keyIds).toEqual(['ok-1', 'ok-2']);
    expect(merged.rejected.map(({ source }) => source)).toEqual([
      'defaultSshKeyIds[0]',
      'nodegroup.sshKeyIds[0]',
      'nodegroup.sshKeyIds[2]',
    ]);
    expect(merged.rejected[1]!.reason).toContain('put it in sshPublicKeys');
    expect(merged.rejected[1]!.reason).not.toContain(alice.line.split(' ')[1]);
  });
});

describe('TestSSHKeys_SecretReference', () => {
  const ref = { name: 'ssh-keys', keys: ['admin.pub', 'deploy.pub'] };

  test('the named keys of the Secret (base64 data, as the API returns it) are read in order', () => {
    const secret = {
      data: {
        'deploy.pub': base64(`${bob.line}\n`),
        'admin.pub': base64(alice.line),
        other: base64('x'),
      },
    };
    const keys = secretSshKeys(ref, secret);
    expect(keys).toEqual({
      secretName: 'ssh-keys',
      entries: [
        { key: 'admin.pub', value: alice.line },
        { key: 'deploy.pub', value: `${bob.line}\n` },
      ],
    });
    expect(mergeSshKeys({ secretKeys: keys }).publicKeys).toEqual([alice.line, bob.line]);
  });

  test('stringData (a manifest that was never stored) is read too', () => {
    const keys = secretSshKeys(ref, {
      stringData: { 'admin.pub': alice.line, 'deploy.pub': bob.line },
    });
    expect(mergeSshKeys({ secretKeys: keys }).publicKeys).toEqual([alice.line, bob.line]);
  });

  test('a missing Secret is one warning naming its keys; provisioning goes on with the others', () => {
    const merged = mergeSshKeys({
      defaultKeyIds: ['global-1'],
      nodeGroup: { sshPublicKeys: [carol.line] },
      secretKeys: secretSshKeys(ref, undefined),
    });
    expect(merged.keyIds).toEqual(['global-1']);
    expect(merged.publicKeys).toEqual([carol.line]);
    expect(merged.rejected).toEqual([]);
    expect(merged.warnings).toEqual([
      {
        code: 'secret-not-found',
        source: 'secret ssh-keys',
        message:
          'Secret "ssh-keys" (sshKeySecretRef) was not found; its keys "admin.pub", "deploy.pub" were not installed',
      },
    ]);
  });

  test("a missing key is a warning naming the key; the Secret's other keys are used", () => {
    const merged = mergeSshKeys({
      secretKeys: secretSshKeys(ref, { data: { 'deploy.pub': base64(bob.line) } }),
    });
    expect(merged.publicKeys).toEqual([bob.line]);
    expect(merged.warnings).toEqual([
      {
        code: 'secret-key-not-found',
        source: 'secret ssh-keys/key "admin.pub"',
        message:
          'Secret "ssh-keys" has no key "admin.pub" (sshKeySecretRef.keys); it was not installed',
      },
    ]);
  });

  test('a private key or binary data in the Secret is rejected with its source, never echoed', () => {
    const privateKey =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';
    const secret = {
      data: {
        'admin.pub': base64(privateKey),
        'deploy.pub': Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
      },
    };
    const merged = mergeSshKeys({ secretKeys: secretSshKeys(ref, secret) });
    expect(merged.publicKeys).toEqual([]);
    expect(merged.rejected).toEqual([
      {
        source: 'secret ssh-keys/key "admin.pub"',
        reason: expect.stringContaining('is a PRIVATE key'),
      },
      {
        source: 'secret ssh-keys/key "deploy.pub"',
        reason: expect.stringContaining('binary data'),
      },
    ]);
    expect(JSON.stringify(merged)).not.toContain('b3BlbnNzaC1rZXktdjE');
  });
});

describe('TestSSHKeys_Merging', () => {
  test('all sources merge: ids globals first, public keys NodeGroup first, then the Secret', () => {
    const merged = mergeSshKeys({
      defaultKeyIds: ['global-1', 'global-2'],
      nodeGroup: { sshKeyIds: ['group-1'], sshPublicKeys: [alice.line] },
      secretKeys: secretSshKeys(
        { name: 'ssh-keys', keys: ['bob.pub', 'carol.pub'] },
        {
          data: { 'bob.pub': base64(bob.line), 'carol.pub': base64(carol.line) },
        },
      ),
    });
    expect(merged).toEqual({
      keyIds: ['global-1', 'global-2', 'group-1'],
      publicKeys: [alice.line, bob.line, carol.line],
      warnings: [],
      rejected: [],
    });
  });

  test('merged public keys reach the node through cloud-init ssh_authorized_keys', () => {
    const merged = mergeSshKeys({
      nodeGroup: { sshPublicKeys: [alice.line, bob.line] },
      secretKeys: secretSshKeys({ name: 's', keys: ['k'] }, { stringData: { k: carol.line } }),
    });
    const { userData } = renderCloudInit({
      source: chooseTemplateSource({}),
      builtIns: { ...SAMPLE_BUILT_IN_VARIABLES, SSHAuthorizedKeys: merged.publicKeys },
    });
    expect(parseNodeRegistration(userData).sshAuthorizedKeys).toEqual([
      alice.line,
      bob.line,
      carol.line,
    ]);
  });
});

describe('TestSSHKeys_Deduplication', () => {
  test('duplicate key ids are removed, the first occurrence keeping its place', () => {
    const merged = mergeSshKeys({
      defaultKeyIds: ['a', 'b', 'a'],
      nodeGroup: { sshKeyIds: ['c', 'b', 'd', 'c'] },
    });
    expect(merged.keyIds).toEqual(['a', 'b', 'c', 'd']);
  });

  test('the same public key from several sources, whatever its comment or spacing, is kept once', () => {
    const [type, data] = alice.line.split(' ');
    const merged = mergeSshKeys({
      nodeGroup: { sshPublicKeys: [alice.line, `${type}   ${data} another comment`, bob.line] },
      secretKeys: secretSshKeys(
        { name: 's', keys: ['a', 'b'] },
        {
          stringData: { a: `${type} ${data}\n`, b: bob.line },
        },
      ),
    });
    expect(merged.publicKeys).toEqual([alice.line, bob.line]);
    expect(merged.rejected).toEqual([]);
  });

  test('different keys with the same comment are both kept', () => {
    const one = ed25519Key('same@example.com');
    const two = ed25519Key('same@example.com');
    expect(mergeSshKeys({ nodeGroup: { sshPublicKeys: [one.line, two.line] } }).publicKeys).toEqual(
      [one.line, two.line],
    );
  });
});
