// The simulated VPSie account: catalogue, VMs and tokens, in memory and free of HTTP. VMs move
// provisioning → running when the clock passes their boot time (advance() applies due
// transitions; the server calls it on a timer and before every request). Listeners registered
// with onVmRunning/onVmDeleted are the extension point cluster-join/ uses to make running VMs
// register Kubernetes Nodes (reading `neverJoins` to simulate nodes that never join).

import { randomBytes, randomUUID } from 'node:crypto';
import { defaultCatalogue, type SimCatalogue, type SimPlan, type SimSshKey } from './catalogue';
import type { VmJoinRecord, VmReceived } from './cluster-join/records';

export type VmPhase = 'provisioning' | 'running';

export interface SimVm {
  id: number;
  identifier: string;
  hostname: string;
  projectId: string | number;
  plan: SimPlan;
  osIdentifier: string;
  dcIdentifier: string;
  datacenterId: number;
  notes?: string;
  tags: string[];
  /** The cloud-init text exactly as received: what the VM would boot with. */
  userData?: string;
  /** The one key given at create. */
  sshKeyIdentifier?: string;
  /** Keys added afterwards with POST /api/v2/vm/sshkey, in order. */
  attachedSshKeyIds: string[];
  scriptIdentifier?: string;
  /** The create body as received (after validation), for assertions on the wire mapping. */
  createRequest: Record<string, unknown>;
  phase: VmPhase;
  createdAt: number;
  /** When it turns running; undefined for a VM that never boots. */
  bootsAt?: number;
  runningAt?: number;
  /** Boots, but its Kubernetes node must never register (read by the cluster-join simulation). */
  neverJoins: boolean;
  /** What the VM got when it booted: SSH keys from the API and from cloud-init. */
  received?: VmReceived;
  /** How its cluster join went; only when the simulator is given a cluster (cluster-join/). */
  join?: VmJoinRecord;
  publicIpv4: string;
  privateIp: string;
  deletedAt?: number;
  deleteReason?: string;
  deleteNote?: string;
}

export interface CreateVmInput {
  hostname: string;
  projectId: string | number;
  resourceIdentifier: string;
  osIdentifier: string;
  dcIdentifier: string;
  notes?: string;
  tags?: string[];
  userData?: string;
  sshKeyIdentifier?: string;
  scriptIdentifier?: string;
}

/** A refusal the server turns into an error envelope; `field` names the offending input. */
export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface SimulatorStateOptions {
  now?: () => number;
  /** provisioning → running delay (default 2 s). */
  provisioningDelayMs?: number;
  catalogue?: SimCatalogue;
  /** Static API tokens accepted in Vpsie-Auth. */
  tokens?: string[];
  /** Client credentials accepted at /apps/v2/auth/from/api. */
  clients?: Array<{ clientId: string; clientSecret: string }>;
  /** Lifetime of tokens issued for client credentials (default 1 h); short to test refresh. */
  tokenTtlMs?: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

type Listener = (vm: SimVm) => void;

export class SimulatorState {
  readonly catalogue: SimCatalogue;
  provisioningDelayMs: number;
  tokenTtlMs: number;
  private readonly clock: () => number;
  private readonly vms = new Map<string, SimVm>();
  private readonly deleted: SimVm[] = [];
  private readonly staticTokens: Set<string>;
  private readonly clients: Map<string, string>;
  private readonly issued = new Map<string, number>();
  private readonly listeners = {
    created: [] as Listener[],
    running: [] as Listener[],
    deleted: [] as Listener[],
  };
  private nextVmId = 1001;
  private nextKeyId = 500;

  constructor(options: SimulatorStateOptions = {}) {
    this.clock = options.now ?? (() => Date.now());
    this.provisioningDelayMs = options.provisioningDelayMs ?? 2000;
    this.tokenTtlMs = options.tokenTtlMs ?? 60 * 60_000;
    this.catalogue = options.catalogue ?? defaultCatalogue();
    this.staticTokens = new Set(options.tokens ?? []);
    this.clients = new Map((options.clients ?? []).map((c) => [c.clientId, c.clientSecret]));
  }

  now(): number {
    return this.clock();
  }

  // --- lifecycle events (extension point) -----------------------------------------------------

  onVmCreated(listener: Listener): () => void {
    return this.subscribe(this.listeners.created, listener);
  }

  onVmRunning(listener: Listener): () => void {
    return this.subscribe(this.listeners.running, listener);
  }

  onVmDeleted(listener: Listener): () => void {
    return this.subscribe(this.listeners.deleted, listener);
  }

  /** Applies due provisioning → running transitions; returns the VMs that changed. */
  advance(): SimVm[] {
    const now = this.now();
    const booted: SimVm[] = [];
    for (const vm of this.vms.values()) {
      if (vm.phase === 'provisioning' && vm.bootsAt !== undefined && now >= vm.bootsAt) {
        vm.phase = 'running';
        vm.runningAt = now;
        booted.push(vm);
      }
    }
    for (const vm of booted) this.emit(this.listeners.running, vm);
    return booted;
  }

  // --- VMs --------------------------------------------------------------------------------------

  createVm(input: CreateVmInput, traits: { neverBoots?: boolean; neverJoins?: boolean } = {}) {
    const datacenter = this.catalogue.datacenters.find((d) => d.identifier === input.dcIdentifier);
    if (!datacenter) throw invalid('dcIdentifier', 'unknown datacenter');
    if (!datacenter.available) throw invalid('dcIdentifier', 'datacenter is not accepting VMs');
    const plan = this.catalogue.plans.find((p) => p.identifier === input.resourceIdentifier);
    if (!plan) throw invalid('resourceIdentifier', 'unknown plan');
    if (!this.catalogue.osImages.some((os) => os.identifier === input.osIdentifier)) {
      throw invalid('osIdentifier', 'unknown OS image');
    }
    if (input.sshKeyIdentifier !== undefined && !this.sshKey(input.sshKeyIdentifier)) {
      throw invalid('sshKeyIdentifier', 'unknown SSH key');
    }
    const now = this.now();
    const id = this.nextVmId++;
    const vm: SimVm = {
      id,
      identifier: randomUUID(),
      hostname: input.hostname,
      projectId: input.projectId,
      plan,
      osIdentifier: input.osIdentifier,
      dcIdentifier: datacenter.identifier,
      datacenterId: datacenter.id,
      notes: input.notes,
      tags: input.tags ?? [],
      userData: input.userData,
      sshKeyIdentifier: input.sshKeyIdentifier,
      attachedSshKeyIds: [],
      scriptIdentifier: input.scriptIdentifier,
      createRequest: { ...input },
      phase: 'provisioning',
      createdAt: now,
      bootsAt: traits.neverBoots ? undefined : now + this.provisioningDelayMs,
      neverJoins: traits.neverJoins ?? false,
      publicIpv4: `203.0.113.${(id % 250) + 1}`,
      privateIp: `10.0.${Math.floor(id / 250) % 250}.${(id % 250) + 1}`,
    };
    this.vms.set(vm.identifier, vm);
    this.emit(this.listeners.created, vm);
    this.advance();
    return vm;
  }

  /** Live VMs, optionally of one project (compared as text: the API mixes numbers and strings). */
  listVms(projectId?: string): SimVm[] {
    const all = [...this.vms.values()];
    return projectId === undefined ? all : all.filter((vm) => String(vm.projectId) === projectId);
  }

  vm(identifier: string): SimVm | undefined {
    return this.vms.get(identifier);
  }

  vmsByHostname(hostname: string): SimVm[] {
    return this.listVms().filter((vm) => vm.hostname === hostname);
  }

  /** Deleted VMs, oldest first, with the reason given. */
  deletedVms(): SimVm[] {
    return [...this.deleted];
  }

  deleteVm(identifier: string, reason: string, note: string): SimVm {
    const vm = this.vms.get(identifier);
    if (!vm) throw new SimulatorError(404, 'VM not found');
    this.vms.delete(identifier);
    Object.assign(vm, { deletedAt: this.now(), deleteReason: reason, deleteNote: note });
    this.deleted.push(vm);
    this.emit(this.listeners.deleted, vm);
    return vm;
  }

  attachSshKey(vmIdentifier: string, keyIdentifier: string) {
    const vm = this.vms.get(vmIdentifier);
    if (!vm) throw new SimulatorError(404, 'VM not found');
    if (!this.sshKey(keyIdentifier)) throw invalid('sshKeyIdentifier', 'unknown SSH key');
    const known =
      vm.sshKeyIdentifier === keyIdentifier || vm.attachedSshKeyIds.includes(keyIdentifier);
    if (!known) vm.attachedSshKeyIds.push(keyIdentifier);
  }

  /** Test hook: force a VM to boot now (e.g. one created with neverBoots). */
  bootNow(identifier: string) {
    const vm = this.vms.get(identifier);
    if (vm && vm.phase === 'provisioning') {
      vm.bootsAt = this.now();
      this.advance();
    }
  }

  // --- SSH keys -----------------------------------------------------------------------------

  sshKeys(): SimSshKey[] {
    return [...this.catalogue.sshKeys];
  }

  sshKey(identifier: string): SimSshKey | undefined {
    return this.catalogue.sshKeys.find((k) => k.identifier === identifier);
  }

  addSshKey(name: string, publicKey: string): SimSshKey {
    const key: SimSshKey = {
      id: this.nextKeyId++,
      identifier: randomUUID(),
      name,
      publicKey,
      createdOn: formatApiDate(this.now()),
      createdBy: 'owner',
    };
    this.catalogue.sshKeys.push(key);
    return key;
  }

  // --- auth -----------------------------------------------------------------------------------

  addToken(token: string) {
    this.staticTokens.add(token);
  }

  isValidToken(token: string): boolean {
    if (this.staticTokens.has(token)) return true;
    const expiresAt = this.issued.get(token);
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  /** Exchanges client credentials for a short-lived token; undefined when they are wrong. */
  issueToken(clientId: string, clientSecret: string): IssuedToken | undefined {
    if (this.clients.get(clientId) !== clientSecret) return undefined;
    const now = this.now();
    const token: IssuedToken = {
      token: `sim-access-${randomBytes(16).toString('hex')}`,
      expiresAt: now + this.tokenTtlMs,
      refreshToken: `sim-refresh-${randomBytes(16).toString('hex')}`,
      refreshExpiresAt: now + 24 * 60 * 60_000,
    };
    this.issued.set(token.token, token.expiresAt);
    return token;
  }

  /** Test hook: every issued token is refused from now on (as if the API revoked them). */
  revokeIssuedTokens() {
    this.issued.clear();
  }

  private subscribe(list: Listener[], listener: Listener): () => void {
    list.push(listener);
    return () => {
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    };
  }

  // A failing listener must not turn into a failed API call: the VM exists either way.
  private emit(list: Listener[], vm: SimVm) {
    for (const listener of [...list]) {
      try {
        listener(vm);
      } catch (error) {
        process.emitWarning(`VPSie simulator listener failed: ${String(error)}`);
      }
    }
  }
}

function invalid(field: string, problem: string): SimulatorError {
  return new SimulatorError(400, `Invalid field "${field}": ${problem}`, field);
}

/** The API's date style: `YYYY-MM-DD HH:MM:SS` (UTC). */
export function formatApiDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
