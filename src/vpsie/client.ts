// The VPSie operations the autoscaler needs, in its own vocabulary (types.ts). Wire shapes come
// from wire.ts; retries, limits and auth from executor.ts. Every method either returns a
// validated result or throws a VpsieError.

import type { z } from 'zod';
import { silentLogger, type Logger } from '../logging/logger';
import { DEFAULT_REFRESH_MARGIN_MS } from './auth';
import { validateBaseUrl } from './base-url';
import { DEFAULT_CIRCUIT_BREAKER } from './circuit-breaker';
import { systemClock, type Clock } from './clock';
import type { VpsieCredentials } from './credentials';
import { VpsieNotFoundError, VpsiePermanentError, VpsieTransientError } from './errors';
import { RequestExecutor, type ApiRequest } from './executor';
import { noopObserver, type VpsieApiObserver } from './observer';
import { DEFAULT_RATE_LIMIT } from './rate-limiter';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type {
  CreateVmRequest,
  Datacenter,
  Offering,
  Resource,
  ResourceQuery,
  SshKey,
  Vm,
} from './types';
import {
  attachSshKeyToWire,
  createVmToWire,
  datacenterFromWire,
  datacenterListSchema,
  DEFAULT_BASE_URL,
  deleteVmToWire,
  listVmsQuery,
  offeringFromWire,
  offeringListSchema,
  resourceFromWire,
  resourceListSchema,
  resourcesQueryToWire,
  sshKeyFromWire,
  sshKeyListSchema,
  sshKeySchema,
  vmDetailSchema,
  vmFromWire,
  vmListSchema,
  vmStatusSchema,
} from './wire';

export interface VpsieClientOptions {
  credentials: VpsieCredentials;
  /** Defaults to https://api.vpsie.com; http:// only for loopback hosts. */
  baseUrl?: string;
  observer?: VpsieApiObserver;
  logger?: Logger;
  /** Per request (30 s). */
  timeoutMs?: number;
  /** Responses larger than this are refused (10 MB). */
  maxResponseBytes?: number;
  retry?: Partial<RetryPolicy>;
  rateLimit?: Partial<typeof DEFAULT_RATE_LIMIT>;
  circuitBreaker?: Partial<typeof DEFAULT_CIRCUIT_BREAKER>;
  tokenRefreshMarginMs?: number;
  /**
   * After a create (whose answer carries no VM) the new VM is looked up by hostname; the list may
   * lag behind, so it is polled this many times, this far apart.
   */
  findAfterCreate?: { attempts: number; delayMs: number };
  /** Sent as `password` on delete; the contract does not say what the API checks it against. */
  deletePassword?: string;
  clock?: Clock;
  /** [0, 1) source for jitter; injectable for deterministic tests. */
  random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export class VpsieClient {
  private readonly executor: RequestExecutor;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly findAfterCreate: { attempts: number; delayMs: number };
  private readonly deletePassword: string;
  // Creates in flight in this process, by hostname: a second caller joins the first.
  private readonly creating = new Map<string, Promise<Vm>>();

  constructor(options: VpsieClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ component: 'vpsie-client' });
    this.findAfterCreate = options.findAfterCreate ?? { attempts: 5, delayMs: 1000 };
    this.deletePassword = options.deletePassword ?? '';
    this.executor = new RequestExecutor({
      baseUrl: validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL),
      credentials: options.credentials,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      rateLimit: { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
      circuitBreaker: { ...DEFAULT_CIRCUIT_BREAKER, ...options.circuitBreaker },
      tokenRefreshMarginMs: options.tokenRefreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
      clock: this.clock,
      random: options.random ?? Math.random,
      observer: options.observer ?? noopObserver,
      logger: this.logger,
    });
  }

  // --- VMs -------------------------------------------------------------------------------------

  /**
   * Creates the VM unless one with this hostname exists already, and returns it. Idempotent: each
   * attempt (first or retry) looks the hostname up before posting, so a retry after a lost answer
   * finds the VM the lost request created instead of making a second one.
   */
  async createVm(request: CreateVmRequest): Promise<Vm> {
    const keyIds = checkCreateRequest(request);
    const running = this.creating.get(request.hostname);
    if (running) return running;
    const created = this.executor
      .run('createVm', () => this.createOnce(request, keyIds))
      .finally(() => this.creating.delete(request.hostname));
    this.creating.set(request.hostname, created);
    return created;
  }

  /** The live (not deleted) VM with this hostname, if any. */
  async findVmByHostname(hostname: string, projectId?: string): Promise<Vm | undefined> {
    return this.executor.run('findVmByHostname', () => this.lookUp(hostname, projectId));
  }

  async getVm(identifier: string): Promise<Vm> {
    return this.executor.run('getVm', async () => {
      const { envelope } = await this.send({
        operation: 'getVm',
        route: 'getVm',
        params: { identifier },
      });
      return vmFromWire(parseData('getVm', vmDetailSchema, envelope.data).vmData);
    });
  }

  /** The power/run status the API reports (`running`, `stopped`, …), verbatim. */
  async getVmStatus(identifier: string): Promise<string> {
    return this.executor.run('getVmStatus', async () => {
      const { envelope } = await this.send({
        operation: 'getVmStatus',
        route: 'getVmStatus',
        params: { identifier },
      });
      return parseData('getVmStatus', vmStatusSchema, envelope.data).status;
    });
  }

  /** Deletes the VM. A VM that does not exist counts as already deleted. */
  async deleteVm(identifier: string, reason: string, note = ''): Promise<void> {
    return this.executor.run('deleteVm', async () => {
      try {
        await this.send({
          operation: 'deleteVm',
          route: 'deleteVm',
          json: deleteVmToWire(identifier, reason, note, this.deletePassword),
        });
      } catch (error) {
        if (!(error instanceof VpsieNotFoundError)) throw error;
        this.logger.info('VM already gone; delete is a no-op', { vm: identifier });
      }
    });
  }

  async listVms(projectId?: string): Promise<Vm[]> {
    return this.executor.run('listVms', () => this.fetchVms(projectId));
  }

  async attachSshKey(vmIdentifier: string, keyId: string): Promise<void> {
    return this.executor.run('attachSshKey', () => this.attach(vmIdentifier, keyId, false));
  }

  // --- SSH keys and catalogue -----------------------------------------------------------------

  async listSshKeys(): Promise<SshKey[]> {
    return this.executor.run('listSshKeys', async () => {
      const { envelope } = await this.send({ operation: 'listSshKeys', route: 'listSshKeys' });
      return parseData('listSshKeys', sshKeyListSchema, envelope.data ?? []).map(sshKeyFromWire);
    });
  }

  /** One account key; its `publicKey` is what cloud-init's ssh_authorized_keys needs. */
  async getSshKey(identifier: string): Promise<SshKey> {
    return this.executor.run('getSshKey', async () => {
      const { envelope } = await this.send({
        operation: 'getSshKey',
        route: 'getSshKey',
        params: { identifier },
      });
      if (envelope.data === null || envelope.data === undefined) {
        throw new VpsieNotFoundError(`SSH key ${identifier} not found`, {
          operation: 'getSshKey',
          httpStatus: 200,
        });
      }
      return sshKeyFromWire(parseData('getSshKey', sshKeySchema, envelope.data));
    });
  }

  async listDatacenters(): Promise<Datacenter[]> {
    return this.executor.run('listDatacenters', async () => {
      const { envelope } = await this.send({
        operation: 'listDatacenters',
        route: 'listDatacenters',
      });
      return parseData('listDatacenters', datacenterListSchema, envelope.data ?? []).map(
        datacenterFromWire,
      );
    });
  }

  async listOfferings(): Promise<Offering[]> {
    return this.executor.run('listOfferings', async () => {
      const { envelope } = await this.send({ operation: 'listOfferings', route: 'listOfferings' });
      return parseData('listOfferings', offeringListSchema, envelope.data ?? []).map(
        offeringFromWire,
      );
    });
  }

  /** Plans for a datacenter and OS; each `identifier` is a valid `offeringId` for createVm. */
  async listResources(query: ResourceQuery): Promise<Resource[]> {
    return this.executor.run('listResources', async () => {
      const { envelope } = await this.send({
        operation: 'listResources',
        route: 'listResources',
        json: resourcesQueryToWire(query),
      });
      return parseData('listResources', resourceListSchema, envelope.data ?? []).map(
        resourceFromWire,
      );
    });
  }

  // --- steps ------------------------------------------------------------------------------------

  private send(request: ApiRequest) {
    return this.executor.send(request);
  }

  private async createOnce(request: CreateVmRequest, keyIds: string[]): Promise<Vm> {
    let vm = await this.lookUp(request.hostname, request.projectId);
    const resumed = vm !== undefined;
    if (vm) {
      this.logger.info('VM with this hostname exists; not creating another', {
        hostname: request.hostname,
        vm: vm.identifier,
      });
    } else {
      await this.send({ operation: 'createVm', route: 'createVm', json: createVmToWire(request) });
      vm = await this.waitUntilListed(request.hostname, request.projectId);
    }
    // The create carried the first key; the others are attached one by one. When resuming an
    // earlier attempt we cannot tell which attaches happened, so all are sent again.
    for (const keyId of keyIds.slice(1)) await this.attach(vm.identifier, keyId, resumed);
    return vm;
  }

  private async waitUntilListed(hostname: string, projectId: string): Promise<Vm> {
    const { attempts, delayMs } = this.findAfterCreate;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const vm = await this.lookUp(hostname, projectId);
      if (vm) return vm;
      if (attempt < attempts) await this.clock.sleep(delayMs);
    }
    throw new VpsieTransientError(
      `created VM ${hostname} is not listed yet; retrying createVm will find it, not duplicate it`,
      { operation: 'createVm', reason: 'not_yet_visible' },
    );
  }

  private async lookUp(hostname: string, projectId?: string): Promise<Vm | undefined> {
    const vms = await this.fetchVms(projectId);
    return vms.find((vm) => vm.hostname === hostname && !vm.deleted);
  }

  private async fetchVms(projectId?: string): Promise<Vm[]> {
    const { envelope } = await this.send({
      operation: 'listVms',
      route: 'listVms',
      query: listVmsQuery(projectId),
    });
    return parseData('listVms', vmListSchema, envelope.data ?? []).map(vmFromWire);
  }

  /**
   * Attaches one key. When re-sending after a resumed create, an answer saying the key is already
   * there is success (the contract does not say how the API treats a repeated attach).
   */
  private async attach(vmIdentifier: string, keyId: string, repeat: boolean): Promise<void> {
    try {
      await this.send({
        operation: 'attachSshKey',
        route: 'attachSshKey',
        json: attachSshKeyToWire(vmIdentifier, keyId),
      });
    } catch (error) {
      const alreadyThere =
        repeat && error instanceof VpsiePermanentError && /already/i.test(error.message);
      if (!alreadyThere) throw error;
    }
  }
}

/** Refuses requests the API cannot honour; returns the de-duplicated key ids. */
function checkCreateRequest(request: CreateVmRequest): string[] {
  const refuse = (message: string) =>
    new VpsiePermanentError(message, { operation: 'createVm', reason: 'invalid_request' });
  const publicKeys = (request as { sshPublicKeys?: unknown }).sshPublicKeys;
  if (Array.isArray(publicKeys) ? publicKeys.length > 0 : publicKeys !== undefined) {
    throw refuse(
      'sshPublicKeys are not a VPSie API field: render them into userData as cloud-init ' +
        'ssh_authorized_keys, or pass the ids of account keys in sshKeyIds',
    );
  }
  if (!request.hostname) throw refuse('hostname is required');
  if (!Array.isArray(request.sshKeyIds) || request.sshKeyIds.some((id) => !id)) {
    throw refuse('sshKeyIds must be a list of non-empty key identifiers');
  }
  return [...new Set(request.sshKeyIds)];
}

/** Validates `data` against a wire schema; a mismatch means the API answered something else. */
function parseData<S extends z.ZodType>(operation: string, schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'data';
  throw new VpsieTransientError(
    `unexpected response shape at ${where}: ${issue?.message ?? 'invalid'}`,
    { operation, httpStatus: 200, reason: 'invalid_response' },
  );
}
