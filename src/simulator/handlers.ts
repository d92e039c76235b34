// One handler per API route: validate the request with wire.ts' request schemas (a missing or
// invalid field is a 400 naming it), act on the state, answer in the API's envelope. Transport
// concerns (auth, faults, body reading) are server.ts's.

import type { z } from 'zod';
import {
  attachSshKeyRequestSchema,
  authRequestSchema,
  createVmRequestSchema,
  deleteVmRequestSchema,
  resourcesRequestSchema,
  type RouteName,
  type WireAuthResponse,
  type WireErrorBody,
} from '../vpsie/wire';
import type { FaultPlan } from './faults';
import {
  datacenterToWire,
  offeringToWire,
  resourceToWire,
  sshKeyToWire,
  vmDetailToWire,
  vmStatusToWire,
  vmToWire,
} from './render';
import { SimulatorError, type SimulatorState } from './state';

export interface HandlerContext {
  state: SimulatorState;
  faults: FaultPlan;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON, or the form fields for form routes; undefined for bodiless routes. */
  body: unknown;
}

export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Do the work but never answer: the connection is dropped (a lost response). */
  dropConnection?: boolean;
}

type Handler = (ctx: HandlerContext) => SimResponse;

/** How each route's body must be encoded; routes not listed take no body. */
export const BODY_ENCODING: Partial<Record<RouteName, 'json' | 'form'>> = {
  authenticate: 'form',
  createVm: 'json',
  deleteVm: 'json',
  attachSshKey: 'json',
  listResources: 'json',
};

export function ok(data: unknown, total?: number): SimResponse {
  return {
    status: 200,
    body: total === undefined ? { error: false, data } : { error: false, data, total },
  };
}

export function errorResponse(status: number, message: string, httpStatus = status): SimResponse {
  const body: WireErrorBody = { error: true, code: status, message };
  return { status: httpStatus, body };
}

function notFound(what: string): never {
  throw new SimulatorError(404, `${what} not found`);
}

/** Validates a body; the first problem becomes a 400 that names the field. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  if (field === '') throw new SimulatorError(400, 'Request body must be a JSON object');
  const missing = valueAt(body, issue.path) === undefined;
  throw new SimulatorError(
    400,
    missing ? `Missing required field "${field}"` : `Invalid field "${field}": ${issue.message}`,
    field,
  );
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function vmOf(ctx: HandlerContext) {
  return ctx.state.vm(ctx.params.identifier ?? '') ?? notFound('VM');
}

export const HANDLERS: Record<RouteName, Handler> = {
  authenticate(ctx) {
    const { clientId, clientSecret } = parseBody(authRequestSchema, ctx.body);
    const issued = ctx.state.issueToken(clientId, clientSecret);
    if (!issued) return errorResponse(401, 'Invalid client credentials');
    const body: WireAuthResponse = {
      error: false,
      accessToken: { token: issued.token, expires: new Date(issued.expiresAt).toISOString() },
      refreshToken: {
        token: issued.refreshToken,
        expires: new Date(issued.refreshExpiresAt).toISOString(),
      },
    };
    return { status: 200, body };
  },

  listVms(ctx) {
    const vms = ctx.state.listVms(ctx.query.get('projectId') ?? undefined).map(vmToWire);
    return ok(vms, vms.length);
  },

  createVm(ctx) {
    const request = parseBody(createVmRequestSchema, ctx.body);
    const quota = ctx.faults.takeQuota();
    if (quota) return errorResponse(400, quota.message, quota.style === 'envelope' ? 200 : 400);
    ctx.state.createVm(request, {
      neverBoots: ctx.faults.takeNeverBoot(),
      neverJoins: ctx.faults.takeNeverJoin(),
    });
    // Like the real API, the answer says nothing about the VM: clients find it by hostname.
    return {
      status: 200,
      body: { error: false, message: 'Server is being created' },
      dropConnection: ctx.faults.takeLostCreate(),
    };
  },

  deleteVm(ctx) {
    const request = parseBody(deleteVmRequestSchema, ctx.body);
    ctx.state.deleteVm(
      request.vmIdentifier,
      request.deleteStatistic.reason,
      request.deleteStatistic.note,
    );
    return { status: 200, body: { error: false, message: 'Server deleted' } };
  },

  getVm(ctx) {
    return ok(vmDetailToWire(vmOf(ctx)));
  },

  getVmStatus(ctx) {
    return ok(vmStatusToWire(vmOf(ctx)));
  },

  attachSshKey(ctx) {
    const request = parseBody(attachSshKeyRequestSchema, ctx.body);
    ctx.state.attachSshKey(request.vmIdentifier, request.sshKeyIdentifier);
    return { status: 200, body: { error: false, message: 'SSH key added' } };
  },

  listSshKeys(ctx) {
    const keys = ctx.state.sshKeys().map(sshKeyToWire);
    return ok(keys, keys.length);
  },

  getSshKey(ctx) {
    const key = ctx.state.sshKey(ctx.params.identifier ?? '') ?? notFound('SSH key');
    return ok(sshKeyToWire(key));
  },

  listDatacenters(ctx) {
    const dcs = ctx.state.catalogue.datacenters.map(datacenterToWire);
    return ok(dcs, dcs.length);
  },

  listOfferings(ctx) {
    const offerings = ctx.state.catalogue.plans.map(offeringToWire);
    return ok(offerings, offerings.length);
  },

  listResources(ctx) {
    const request = parseBody(resourcesRequestSchema, ctx.body);
    const { catalogue } = ctx.state;
    if (!catalogue.datacenters.some((d) => d.identifier === request.dcIdentifier)) {
      throw new SimulatorError(
        400,
        'Invalid field "dcIdentifier": unknown datacenter',
        'dcIdentifier',
      );
    }
    if (!catalogue.osImages.some((os) => os.identifier === request.osIdentifier)) {
      throw new SimulatorError(
        400,
        'Invalid field "osIdentifier": unknown OS image',
        'osIdentifier',
      );
    }
    const resources = catalogue.plans.map(resourceToWire);
    return ok(resources, resources.length);
  },
};
