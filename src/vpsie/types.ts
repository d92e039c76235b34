// The client's own vocabulary: what the rest of the autoscaler works with. No wire names here;
// src/vpsie/wire.ts maps these to and from what the API sends, so callers never depend on the
// API's field spelling.

export interface CreateVmRequest {
  /** Also the Kubernetes node name; the key that makes creation idempotent. */
  hostname: string;
  /** The plan (sent as `resourceIdentifier`). */
  offeringId: string;
  osIdentifier: string;
  /** Datacenter identifier (sent as `dcIdentifier`). */
  datacenterId: string;
  projectId: string;
  notes?: string;
  tags?: string[];
  /** Cloud-init text, already rendered by the caller. */
  userData?: string;
  /**
   * Account SSH key identifiers. The API takes one key at create: the first goes there, the others
   * are attached right after with one call each.
   */
  sshKeyIds: string[];
  /**
   * Raw public keys are not an API field: they reach a VM only through cloud-init
   * `ssh_authorized_keys`, and this client does not render cloud-init. The field is typed `never`
   * so the compiler stops callers who would expect it to work, and createVm rejects a non-empty
   * value at run time (for callers that pass objects built elsewhere), telling them to render the
   * keys into `userData` instead. Silently dropping keys would leave nodes nobody can log into.
   */
  sshPublicKeys?: never;
  addPublicIpV4?: boolean;
  addPublicIpV6?: boolean;
  addPrivateIp?: boolean;
}

export interface Vm {
  /** Numeric database id. */
  id: number;
  /** UUID used in every VM path and request. */
  identifier: string;
  hostname: string;
  /** Life-cycle state as the API reports it (e.g. `provisioning`, `running`). */
  state?: string;
  poweredOn?: boolean;
  publicIpv4?: string;
  publicIpv6?: string;
  privateIp?: string;
  cpu?: number;
  ramMb?: number;
  diskGb?: number;
  datacenterIdentifier?: string;
  projectId?: string;
  /** The key given at create (the API keeps only that one on the VM record). */
  sshKeyId?: string;
  createdOn?: string;
  deleted: boolean;
}

export interface SshKey {
  id: number;
  identifier: string;
  name: string;
  /** The OpenSSH public key line (the API calls this field `private_key`). */
  publicKey: string;
  createdOn?: string;
}

export interface Datacenter {
  identifier: string;
  name: string;
  code?: string;
  country?: string;
  city?: string;
  continent?: string;
  available: boolean;
}

export interface Offering {
  id: string;
  name: string;
  cpu: number;
  ramMb: number;
  diskGb: number;
  bandwidthGb?: number;
  priceMonthly?: number;
  priceHourly?: number;
  available: boolean;
  datacenterId?: string;
  category?: string;
}

/** One plan the API offers for a datacenter and OS: its identifier is a `resourceIdentifier`. */
export interface Resource {
  identifier: string;
  name: string;
  cpu: number;
  ramMb: number;
  diskGb: number;
  trafficGb?: number;
  priceMonthly?: number;
}

export interface ResourceQuery {
  datacenterId: string;
  osIdentifier: string;
  planCategoryNodeId: string;
}

export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch; undefined when the API's expiry could not be read. */
  expiresAt?: number;
}
