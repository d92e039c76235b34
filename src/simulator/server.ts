// The simulator's HTTP face (node:http): routing from wire.ts' route table, faults, Vpsie-Auth,
// strict body decoding, and the API's envelopes for every answer, errors included.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AUTH_HEADER, ROUTES, type RouteName } from '../vpsie/wire';
import type { FaultPlan } from './faults';
import { BODY_ENCODING, errorResponse, HANDLERS, type SimResponse } from './handlers';
import { SimulatorError, type SimulatorState } from './state';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Undefined for a path no route matches. */
  route?: RouteName;
  /** The status answered; undefined while in flight or when the connection was dropped. */
  status?: number;
  dropped?: boolean;
}

export interface SimulatorServerDeps {
  state: SimulatorState;
  faults: FaultPlan;
  requests: RecordedRequest[];
  /** Cancellable sleep (index.ts cancels pending ones on close). */
  sleep: (ms: number) => Promise<void>;
  maxBodyBytes?: number;
}

interface CompiledRoute {
  name: RouteName;
  method: string;
  pattern: RegExp;
  params: string[];
}

const COMPILED: CompiledRoute[] = (Object.keys(ROUTES) as RouteName[]).map((name) => {
  const { method, path } = ROUTES[name];
  const params: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { name, method, pattern: new RegExp(`^${source}/?$`), params };
});

export function matchRoute(method: string, pathname: string) {
  for (const route of COMPILED) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.params.forEach((param, i) => (params[param] = decodeURIComponent(found[i + 1] ?? '')));
    return { name: route.name, params };
  }
  return undefined;
}

export function createSimulatorServer(deps: SimulatorServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        write(res, errorResponse(500, `Internal simulator error: ${message}`));
      }
    });
  });
}

async function handle(deps: SimulatorServerDeps, req: IncomingMessage, res: ServerResponse) {
  const { state, faults } = deps;
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const record: RecordedRequest = { method, path: url.pathname };
  deps.requests.push(record);
  const answer = (response: SimResponse) => {
    record.status = response.status;
    write(res, response);
  };

  let raw: string | undefined;
  try {
    raw = await readBody(req, deps.maxBodyBytes ?? 1024 * 1024);
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    return answer({
      ...errorResponse(error.status, error.message),
      headers: { Connection: 'close' },
    });
  }
  const match = matchRoute(method, url.pathname);
  if (!match) return answer(errorResponse(404, `No route for ${method} ${url.pathname}`));
  const route = match.name;
  record.route = route;

  const latency = faults.takeLatency(route);
  if (latency) await deps.sleep(latency);
  const retryAfter = faults.takeRateLimit(route);
  if (retryAfter !== undefined) {
    return answer({
      ...errorResponse(429, 'Too many requests, please slow down'),
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  const serverError = faults.takeServerError(route);
  if (serverError !== undefined) {
    return answer(errorResponse(serverError, 'Internal server error'));
  }

  if (route !== 'authenticate') {
    const refusal = authRefusal(state, req);
    if (refusal) return answer(errorResponse(401, refusal));
  }

  state.advance();
  let response: SimResponse;
  try {
    const body = raw === undefined ? undefined : decodeBody(route, req, raw);
    response = HANDLERS[route]({
      state,
      faults,
      params: match.params,
      query: url.searchParams,
      body,
    });
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    response = errorResponse(error.status, error.message);
  }

  if (response.dropConnection) {
    record.dropped = true;
    req.socket.destroy();
    return;
  }
  const padTo = response.status === 200 ? faults.takeOversize(route) : undefined;
  if (padTo !== undefined) response = pad(response, padTo);
  answer(response);
}

function authRefusal(state: SimulatorState, req: IncomingMessage): string | undefined {
  const header = req.headers[AUTH_HEADER.toLowerCase()];
  const token = Array.isArray(header) ? header[0] : header;
  if (!token) {
    return req.headers.authorization
      ? `Missing ${AUTH_HEADER} header (Authorization is not accepted by this API)`
      : `Missing ${AUTH_HEADER} header`;
  }
  return state.isValidToken(token) ? undefined : 'Invalid or expired token';
}

/** The raw body, or undefined when there is none. Too large a body is a 413. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new SimulatorError(413, 'Request body too large');
    chunks.push(buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}

function decodeBody(route: RouteName, req: IncomingMessage, raw: string): unknown {
  const encoding = BODY_ENCODING[route];
  if (encoding === undefined) return undefined;
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (encoding === 'form') {
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw new SimulatorError(400, 'Content-Type must be application/x-www-form-urlencoded');
    }
    return Object.fromEntries(new URLSearchParams(raw));
  }
  if (!contentType.startsWith('application/json')) {
    throw new SimulatorError(400, 'Content-Type must be application/json');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new SimulatorError(400, 'Malformed JSON body');
  }
}

function pad(response: SimResponse, bytes: number): SimResponse {
  const body = response.body as Record<string, unknown>;
  return { ...response, body: { ...body, padding: 'x'.repeat(Math.max(0, bytes)) } };
}

function write(res: ServerResponse, response: SimResponse) {
  res.writeHead(response.status, { 'Content-Type': 'application/json', ...response.headers });
  res.end(JSON.stringify(response.body));
}
