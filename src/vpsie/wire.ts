// Every wire detail of the VPSie API in one place: paths, header, field names, envelopes, the zod
// schemas that check responses, and the mapping to and from the client's own types (types.ts).
// The client and the simulator both use this module, so a correction to the contract
// (/work/shared/reference/vpsie-api.md) is one edit here, and the compiler points at the rest.
//
// Where the two public clients disagree on a response field (govpsie vs the earlier autoscaler),
// response schemas accept both spellings; the simulator sends the spelling the contract lists.

import { z } from 'zod';
import type {
  AccessToken,
  CreateVmRequest,
  Datacenter,
  Offering,
  Resource,
  ResourceQuery,
  SshKey,
  Vm,
} from './types';

export const DEFAULT_BASE_URL = 'https://api.vpsie.com';
/** The API's own auth header; `Authorization: Bearer` (the earlier autoscaler's choice) is ignored. */
export const AUTH_HEADER = 'Vpsie-Auth';

// ---------------------------------------------------------------------------------------------
// Routes

export const ROUTES = {
  authenticate: { method: 'POST', path: '/apps/v2/auth/from/api' },
  listVms: { method: 'GET', path: '/api/v2/vm' },
  createVm: { method: 'POST', path: '/api/v2/vm' },
  deleteVm: { method: 'DELETE', path: '/api/v2/vm' },
  getVm: { method: 'GET', path: '/api/v2/vm/:identifier' },
  getVmStatus: { method: 'GET', path: '/api/v2/vm/status/:identifier' },
  attachSshKey: { method: 'POST', path: '/api/v2/vm/sshkey' },
  listSshKeys: { method: 'GET', path: '/apps/v2/sshkeys' },
  getSshKey: { method: 'GET', path: '/apps/v2/sshkey/:identifier' },
  listDatacenters: { method: 'GET', path: '/apps/v2/datacenter' },
  listOfferings: { method: 'GET', path: '/offerings' },
  listResources: { method: 'POST', path: '/api/v2/resources' },
} as const satisfies Record<string, { method: HttpMethod; path: string }>;

export type HttpMethod = 'GET' | 'POST' | 'DELETE';
export type RouteName = keyof typeof ROUTES;

/** The concrete path of a route, with `:param` segments filled in and URL-encoded. */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return ROUTES[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined || value === '') throw new Error(`route ${name} needs :${key}`);
    return encodeURIComponent(value);
  });
}

/** `GET /api/v2/vm?projectId=` narrows the list to one project. */
export function listVmsQuery(projectId?: string): Record<string, string> {
  return projectId === undefined ? {} : { projectId };
}

// ---------------------------------------------------------------------------------------------
// Lenient scalars: the API's JSON is not always consistent about numbers, strings and 0/1 flags.

const numberish = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const flag = z.union([z.boolean(), z.number(), z.string()]).transform((v) => {
  return v === true || v === 1 || v === '1' || v === 'true';
});
const idText = z.union([z.string(), z.number()]).transform(String);

// ---------------------------------------------------------------------------------------------
// Envelope and error bodies

/**
 * `{error: bool, data, message?, code?, total?}`. HTTP 200 with `error: true` is an error. `error`
 * missing counts as false (a body without the flag is not a refusal); `code` and `message` are
 * kept loose because error bodies are the least consistent part of any API.
 */
export const envelopeSchema = z.looseObject({
  error: z.boolean().optional(),
  data: z.unknown().optional(),
  message: z.unknown().optional(),
  code: z.unknown().optional(),
  total: z.unknown().optional(),
});
export type WireEnvelope = z.output<typeof envelopeSchema>;

export interface WireErrorBody {
  error: true;
  code: number;
  message: string;
  stack?: string;
}

/** The API's numeric error code, when it sent one. */
export function apiCodeOf(envelope: WireEnvelope): number | undefined {
  const parsed = numberish.safeParse(envelope.code);
  return parsed.success && Number.isInteger(parsed.data) ? parsed.data : undefined;
}

/** The API's message as text (it is usually a string, sometimes a list of validation messages). */
export function messageOf(envelope: WireEnvelope): string {
  const { message } = envelope;
  if (message === undefined || message === null) return '';
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map((m) => String(m)).join('; ');
  return JSON.stringify(message);
}

// ---------------------------------------------------------------------------------------------
// Authentication: POST form-urlencoded {clientId, clientSecret}; the tokens sit at the top level
// of the envelope, not under `data`.

export const authRequestSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type WireAuthRequest = z.input<typeof authRequestSchema>;

const wireTokenSchema = z.looseObject({
  token: z.string().min(1),
  expires: z.union([z.string(), z.number()]).optional(),
});
export const authResponseSchema = z.looseObject({
  accessToken: wireTokenSchema,
  refreshToken: wireTokenSchema.optional(),
});
export type WireAuthResponse = z.input<typeof authResponseSchema> & { error: false };

export function authRequestToWire(clientId: string, clientSecret: string): WireAuthRequest {
  return { clientId, clientSecret };
}

/**
 * `expires` is an RFC 3339 date in the earlier autoscaler's notes; epoch seconds or milliseconds
 * are accepted too. Undefined when it cannot be read: the client then refreshes only on a 401.
 */
export function expiryToMillis(expires: string | number | undefined): number | undefined {
  if (expires === undefined || expires === '') return undefined;
  const asNumber = typeof expires === 'number' ? expires : Number(expires);
  if (Number.isFinite(asNumber)) return asNumber < 1e12 ? asNumber * 1000 : asNumber;
  const parsed = Date.parse(String(expires));
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function accessTokenFromWire(body: unknown): AccessToken | undefined {
  const parsed = authResponseSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { token, expires } = parsed.data.accessToken;
  return { token, expiresAt: expiryToMillis(expires) };
}

// ---------------------------------------------------------------------------------------------
// VMs

export const createVmRequestSchema = z.object({
  resourceIdentifier: z.string().min(1),
  osIdentifier: z.string().min(1),
  dcIdentifier: z.string().min(1),
  hostname: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/, 'must be a DNS name'),
  // govpsie sends an int64; string ids are accepted for accounts whose ids are not numeric.
  projectId: z.union([z.number().int().nonnegative(), z.string().min(1)]),
  notes: z.string().optional(),
  tags: z.array(z.string()).optional(),
  sshKeyIdentifier: z.string().min(1).optional(),
  scriptIdentifier: z.string().min(1).optional(),
  userData: z.string().optional(),
  addPublicIpV4: z.number().int().min(0).max(1).optional(),
  addPublicIpV6: z.number().int().min(0).max(1).optional(),
  addPrivateIp: z.number().int().min(0).max(1).optional(),
  vmPassword: z.string().optional(),
  ssd: z.number().int().positive().optional(),
  backupEnabled: z.number().int().min(0).max(1).optional(),
});
export type WireCreateVmRequest = z.input<typeof createVmRequestSchema>;

export const deleteVmRequestSchema = z.object({
  vmIdentifier: z.string().min(1),
  password: z.string(),
  deleteStatistic: z.object({ reason: z.string().min(1), note: z.string() }),
});
export type WireDeleteVmRequest = z.input<typeof deleteVmRequestSchema>;

export const attachSshKeyRequestSchema = z.object({
  vmIdentifier: z.string().min(1),
  sshKeyIdentifier: z.string().min(1),
});
export type WireAttachSshKeyRequest = z.input<typeof attachSshKeyRequestSchema>;

export const vmDataSchema = z.looseObject({
  id: numberish,
  identifier: z.string().min(1),
  hostname: z.string(),
  default_ip: z.string().nullish(),
  default_ipv6: z.string().nullish(),
  private_ip: z.string().nullish(),
  ram: numberish.nullish(),
  cpu: numberish.nullish(),
  ssd: numberish.nullish(),
  traffic: numberish.nullish(),
  boxsize_id: numberish.nullish(),
  datacenter_id: numberish.nullish(),
  dcIdentifier: z.string().nullish(),
  created_on: z.string().nullish(),
  state: z.string().nullish(),
  power: numberish.nullish(),
  is_active: numberish.nullish(),
  is_deleted: numberish.nullish(),
  sshkey_id: idText.nullish(),
  script_id: idText.nullish(),
  // The contract lists `projectId`; govpsie's VmData reads `project_id`.
  projectId: idText.nullish(),
  project_id: idText.nullish(),
  notes: z.string().nullish(),
});
export type WireVmData = z.input<typeof vmDataSchema>;

export const vmListSchema = z.array(vmDataSchema);

/** `GET /api/v2/vm/{identifier}` → `data: {vmData, vmTags, privateIpData, floatingIpData}`. */
export const vmDetailSchema = z.looseObject({
  vmData: vmDataSchema,
  vmTags: z.array(z.unknown()).optional(),
});
export type WireVmDetail = z.input<typeof vmDetailSchema>;

/** `GET /api/v2/vm/status/{identifier}` → `data: {status, cpu, uptime, …}`. */
export const vmStatusSchema = z.looseObject({ status: z.string().min(1) });
export type WireVmStatus = z.input<typeof vmStatusSchema>;

export function createVmToWire(req: CreateVmRequest): WireCreateVmRequest {
  const bit = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);
  return {
    resourceIdentifier: req.offeringId,
    osIdentifier: req.osIdentifier,
    dcIdentifier: req.datacenterId,
    hostname: req.hostname,
    projectId: /^\d+$/.test(req.projectId) ? Number(req.projectId) : req.projectId,
    notes: req.notes,
    tags: req.tags,
    userData: req.userData,
    // ONE key at create; client.ts attaches the others afterwards.
    sshKeyIdentifier: req.sshKeyIds[0],
    addPublicIpV4: bit(req.addPublicIpV4),
    addPublicIpV6: bit(req.addPublicIpV6),
    addPrivateIp: bit(req.addPrivateIp),
  };
}

export function deleteVmToWire(
  vmIdentifier: string,
  reason: string,
  note: string,
  password: string,
): WireDeleteVmRequest {
  return { vmIdentifier, password, deleteStatistic: { reason, note } };
}

export function attachSshKeyToWire(vmIdentifier: string, keyId: string): WireAttachSshKeyRequest {
  return { vmIdentifier, sshKeyIdentifier: keyId };
}

export function vmFromWire(wire: z.output<typeof vmDataSchema>): Vm {
  const text = (v: string | null | undefined) => (v ? v : undefined);
  const projectId = wire.projectId ?? wire.project_id;
  return {
    id: wire.id,
    identifier: wire.identifier,
    hostname: wire.hostname,
    state: text(wire.state),
    poweredOn: wire.power === null || wire.power === undefined ? undefined : wire.power === 1,
    publicIpv4: text(wire.default_ip),
    publicIpv6: text(wire.default_ipv6),
    privateIp: text(wire.private_ip),
    cpu: wire.cpu ?? undefined,
    ramMb: wire.ram ?? undefined,
    diskGb: wire.ssd ?? undefined,
    datacenterIdentifier: text(wire.dcIdentifier),
    projectId: projectId ?? undefined,
    sshKeyId: text(wire.sshkey_id),
    createdOn: text(wire.created_on),
    deleted: wire.is_deleted === 1,
  };
}

// ---------------------------------------------------------------------------------------------
// SSH keys (account level). `private_key` carries the stored PUBLIC key text.

export const sshKeySchema = z.looseObject({
  id: numberish,
  identifier: z.string().min(1),
  name: z.string(),
  private_key: z.string(),
  created_on: z.string().nullish(),
  created_by: idText.nullish(),
});
export type WireSshKey = z.input<typeof sshKeySchema>;
export const sshKeyListSchema = z.array(sshKeySchema);

export function sshKeyFromWire(wire: z.output<typeof sshKeySchema>): SshKey {
  return {
    id: wire.id,
    identifier: wire.identifier,
    name: wire.name,
    publicKey: wire.private_key.trim(),
    createdOn: wire.created_on ?? undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Catalogue

// The contract lists the earlier autoscaler's names (name, available); govpsie reads dc_name and
// is_active. Both are accepted.
export const datacenterSchema = z.looseObject({
  id: idText.nullish(),
  identifier: z.string().min(1),
  name: z.string().nullish(),
  dc_name: z.string().nullish(),
  code: z.string().nullish(),
  country: z.string().nullish(),
  city: z.string().nullish(),
  continent: z.string().nullish(),
  available: flag.nullish(),
  is_active: flag.nullish(),
  featured_dc: flag.nullish(),
});
export type WireDatacenter = z.input<typeof datacenterSchema>;
export const datacenterListSchema = z.array(datacenterSchema);

export function datacenterFromWire(wire: z.output<typeof datacenterSchema>): Datacenter {
  return {
    identifier: wire.identifier,
    name: wire.name ?? wire.dc_name ?? wire.identifier,
    code: wire.code ?? undefined,
    country: wire.country ?? undefined,
    city: wire.city ?? undefined,
    continent: wire.continent ?? undefined,
    available: wire.available ?? wire.is_active ?? true,
  };
}

export const offeringSchema = z.looseObject({
  id: idText,
  name: z.string(),
  cpu: numberish,
  ram: numberish,
  disk: numberish,
  bandwidth: numberish.nullish(),
  price: numberish.nullish(),
  hourly_price: numberish.nullish(),
  available: flag.nullish(),
  datacenter_id: idText.nullish(),
  category: z.string().nullish(),
});
export type WireOffering = z.input<typeof offeringSchema>;
export const offeringListSchema = z.array(offeringSchema);

export function offeringFromWire(wire: z.output<typeof offeringSchema>): Offering {
  return {
    id: wire.id,
    name: wire.name,
    cpu: wire.cpu,
    ramMb: wire.ram,
    diskGb: wire.disk,
    bandwidthGb: wire.bandwidth ?? undefined,
    priceMonthly: wire.price ?? undefined,
    priceHourly: wire.hourly_price ?? undefined,
    available: wire.available ?? true,
    datacenterId: wire.datacenter_id ?? undefined,
    category: wire.category ?? undefined,
  };
}

export const resourcesRequestSchema = z.object({
  dcIdentifier: z.string().min(1),
  osIdentifier: z.string().min(1),
  planCategoryNodeId: z.union([z.string().min(1), z.number().int()]),
});
export type WireResourcesRequest = z.input<typeof resourcesRequestSchema>;

export function resourcesQueryToWire(query: ResourceQuery): WireResourcesRequest {
  return {
    dcIdentifier: query.datacenterId,
    osIdentifier: query.osIdentifier,
    planCategoryNodeId: query.planCategoryNodeId,
  };
}

export const resourceSchema = z.looseObject({
  identifier: z.string().min(1),
  nickname: z.string(),
  cpu: numberish,
  ram: numberish,
  ssd: numberish,
  traffic: numberish.nullish(),
  price: numberish.nullish(),
});
export type WireResource = z.input<typeof resourceSchema>;
export const resourceListSchema = z.array(resourceSchema);

export function resourceFromWire(wire: z.output<typeof resourceSchema>): Resource {
  return {
    identifier: wire.identifier,
    name: wire.nickname,
    cpu: wire.cpu,
    ramMb: wire.ram,
    diskGb: wire.ssd,
    trafficGb: wire.traffic ?? undefined,
    priceMonthly: wire.price ?? undefined,
  };
}
