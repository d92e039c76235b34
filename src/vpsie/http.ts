// One HTTP exchange with the VPSie API over axios: timeout, response size cap, no redirects, the
// auth header, and the envelope read into either a parsed body or a typed VpsieError. Every
// exchange is reported to the observer. Retries, limits and auth refresh are executor.ts's job.

import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { redactText } from '../logging/logger';
import { isLoopbackHost } from './base-url';
import { classifyApiFailure } from './classify';
import { VpsieTransientError } from './errors';
import type { VpsieApiObserver } from './observer';
import { parseRetryAfterMs } from './retry';
import {
  apiCodeOf,
  AUTH_HEADER,
  envelopeSchema,
  messageOf,
  ROUTES,
  routePath,
  type RouteName,
  type WireEnvelope,
} from './wire';

export interface HttpRequest {
  /** The name reported to the observer and put in errors (e.g. `createVm`). */
  operation: string;
  route: RouteName;
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  token?: string;
}

export interface HttpResponse {
  status: number;
  envelope: WireEnvelope;
  /** The whole parsed body (the auth endpoint puts its tokens beside `data`, not in it). */
  body: unknown;
}

export interface HttpTransportOptions {
  baseUrl: string;
  timeoutMs: number;
  maxResponseBytes: number;
  observer: VpsieApiObserver;
  now: () => number;
  /** Current secret values (token, client secret) to scrub from any text that reaches an error. */
  secrets: () => Array<string | undefined>;
}

const REDACTED = '[REDACTED]';

export class HttpTransport {
  private readonly http: AxiosInstance;

  constructor(private readonly options: HttpTransportOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      maxContentLength: options.maxResponseBytes,
      // A redirect would carry the Vpsie-Auth header to wherever it points (axios strips only
      // Authorization on cross-host redirects), so redirects are errors, never followed.
      maxRedirects: 0,
      // The raw text: we parse and validate it ourselves instead of trusting axios' silent JSON.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      // Loopback traffic (tests, simulator) must not be sent to an HTTP(S)_PROXY from the env.
      proxy: isLoopbackHost(new URL(options.baseUrl).hostname) ? false : undefined,
      headers: { Accept: 'application/json', 'User-Agent': 'vpsie-autoscaler' },
    });
  }

  async exchange(request: HttpRequest): Promise<HttpResponse> {
    const { method } = ROUTES[request.route];
    const headers: Record<string, string> = {};
    let data: string | undefined;
    if (request.token !== undefined) headers[AUTH_HEADER] = request.token;
    if (request.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      data = new URLSearchParams(request.form).toString();
    } else if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(request.json);
    }

    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.request({
        method,
        url: routePath(request.route, request.params),
        params: request.query,
        data,
        headers,
      });
    } catch (error) {
      const failure = this.transportFailure(request.operation, error);
      this.options.observer.request(
        request.operation,
        failure.reason === 'timeout' ? 'timeout' : 'transport_error',
        seconds(),
      );
      throw failure;
    }
    this.options.observer.request(request.operation, String(response.status), seconds());
    return this.interpret(request.operation, response);
  }

  private interpret(operation: string, response: AxiosResponse<unknown>): HttpResponse {
    const status = response.status;
    const text = typeof response.data === 'string' ? response.data : '';
    const body = parseJson(text);
    const envelope = envelopeSchema.safeParse(body === undefined && text.trim() === '' ? {} : body);

    if (status >= 200 && status < 300) {
      if (!envelope.success) {
        throw new VpsieTransientError(
          `response is not a VPSie envelope: ${this.snippet(text)} (HTTP ${status})`,
          { operation, httpStatus: status, reason: 'invalid_response' },
        );
      }
      if (envelope.data.error === true) {
        throw classifyApiFailure({
          operation,
          httpStatus: status,
          apiCode: apiCodeOf(envelope.data),
          message: this.scrub(messageOf(envelope.data)),
        });
      }
      return { status, envelope: envelope.data, body };
    }

    const retryAfter = response.headers['retry-after'];
    throw classifyApiFailure({
      operation,
      httpStatus: status,
      apiCode: envelope.success ? apiCodeOf(envelope.data) : undefined,
      message: envelope.success ? this.scrub(messageOf(envelope.data)) : this.snippet(text),
      retryAfterMs: parseRetryAfterMs(
        typeof retryAfter === 'string' ? retryAfter : undefined,
        this.options.now(),
      ),
    });
  }

  private transportFailure(operation: string, error: unknown): VpsieTransientError {
    const code = axios.isAxiosError(error) ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new VpsieTransientError(`no response within ${this.options.timeoutMs} ms`, {
        operation,
        reason: 'timeout',
      });
    }
    if (message.startsWith('maxContentLength')) {
      return new VpsieTransientError(
        `response larger than the ${this.options.maxResponseBytes}-byte cap`,
        { operation, reason: 'response_too_large' },
      );
    }
    // Only the code and message: the axios error itself holds the request headers and body.
    return new VpsieTransientError(
      `transport error${code ? ` ${code}` : ''}: ${this.scrub(message)}`,
      { operation, reason: 'transport' },
    );
  }

  /** Removes the secrets we hold from text the API or the network produced. */
  private scrub(text: string): string {
    let out = text;
    for (const secret of this.options.secrets()) {
      if (!secret || secret.length < 4) continue;
      // As sent (header), and as a form or URL would carry it (the auth body is form-encoded).
      const variants = new Set([secret, encodeURIComponent(secret), formEncode(secret)]);
      for (const variant of variants) out = out.split(variant).join(REDACTED);
    }
    return redactText(out);
  }

  private snippet(text: string): string {
    const flat = text.replace(/\s+/g, ' ').trim();
    if (flat === '') return 'empty body';
    return JSON.stringify(this.scrub(flat.length > 200 ? `${flat.slice(0, 200)}…` : flat));
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
