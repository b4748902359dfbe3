// A logged-in (or not) target from ~/.flyrc and the API calls fly makes against it, with
// go-concourse's status-code mapping applied in one place.
import type { FlyIO } from './io.ts';
import { loadTargets } from './flyrc.ts';
import type { TargetToken } from './flyrc.ts';
import {
  ForbiddenError,
  NoTargetSpecifiedError,
  ResourceNotFoundError,
  UnauthorizedError,
  UnexpectedResponseError,
} from './errors.ts';
import { buildPath, encodeQuery } from './go-url.ts';
import { openRequest, sendRequest } from './http.ts';
import type { HttpResponse } from './http.ts';
import type { IncomingMessage } from 'node:http';

export type Query = Array<[string, string]>;

export interface CallOptions {
  params?: Record<string, string>;
  query?: Query;
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** oauth2's Token.Type(): how the stored type is sent on API calls. */
function authScheme(type: string): string {
  const lower = type.toLowerCase();
  if (lower === 'bearer' || lower === '') return 'Bearer';
  if (lower === 'mac') return 'MAC';
  if (lower === 'basic') return 'Basic';
  return type;
}

export class Target {
  readonly name: string;
  readonly url: string;
  team: string;
  readonly token: TargetToken | undefined;
  readonly insecure: boolean;
  readonly caCert: string | undefined;
  readonly io: FlyIO;
  private info: Record<string, unknown> | undefined;

  constructor(
    io: FlyIO,
    name: string,
    props: { api: string; team: string; token?: TargetToken; insecure?: boolean; ca_cert?: string },
  ) {
    this.io = io;
    this.name = name;
    this.url = props.api.replace(/\/+$/, '');
    this.team = props.team || 'main';
    this.token = props.token;
    this.insecure = props.insecure ?? false;
    this.caCert = props.ca_cert || undefined;
  }

  static async load(io: FlyIO, name: string | undefined): Promise<Target> {
    if (!name) throw new NoTargetSpecifiedError();
    const targets = await loadTargets(io.home);
    const props = targets[name];
    if (props === undefined) throw new Error(`unknown target: ${name}`);
    return new Target(io, name, props);
  }

  authorization(): Record<string, string> {
    if (this.token === undefined) return {};
    return { Authorization: `${authScheme(this.token.type)} ${this.token.value}` };
  }

  requestUrl(route: string, opts: CallOptions = {}): string {
    const query = encodeQuery(opts.query ?? []);
    return `${this.url}${buildPath(route, opts.params ?? {})}${query ? `?${query}` : ''}`;
  }

  /** Sends a request and returns whatever came back (no status mapping). */
  async raw(method: string, route: string, opts: CallOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...this.authorization(), ...opts.headers };
    if (opts.contentType !== undefined) headers['Content-Type'] = opts.contentType;
    return sendRequest({
      method,
      url: this.requestUrl(route, opts),
      headers,
      body: opts.body,
      insecure: this.insecure,
      caCert: this.caCert,
      signal: this.io.abort.signal,
    });
  }

  stream(
    route: string,
    opts: CallOptions = {},
    headers: Record<string, string> = {},
  ): Promise<IncomingMessage> {
    return openRequest({
      method: 'GET',
      url: this.requestUrl(route, opts),
      headers: { ...this.authorization(), ...headers },
      insecure: this.insecure,
      caCert: this.caCert,
      signal: this.io.abort.signal,
    });
  }

  /** connection.Send: 404/401/403/non-2xx mapped to errors, JSON body decoded. */
  async call<T = unknown>(
    method: string,
    route: string,
    opts: CallOptions = {},
  ): Promise<{ result: T; response: HttpResponse }> {
    const response = await this.raw(method, route, opts);
    checkStatus(response);
    const text = response.body.toString('utf8');
    if (response.statusCode === 204 || text.trim() === '') {
      return { result: undefined as T, response };
    }
    return { result: JSON.parse(text) as T, response };
  }

  async json<T = unknown>(method: string, route: string, opts: CallOptions = {}): Promise<T> {
    return (await this.call<T>(method, route, opts)).result;
  }

  /** Target validation: GET /api/v1/info with the stored token. */
  async validate(): Promise<Record<string, unknown>> {
    if (this.info === undefined || !this.info.version) {
      this.info = await this.json<Record<string, unknown>>('GET', '/api/v1/info');
    }
    return this.info;
  }
}

export function checkStatus(response: HttpResponse): void {
  const code = response.statusCode;
  const text = response.body.toString('utf8');
  if (code === 404) {
    throw new ResourceNotFoundError(notFoundDetails(text));
  }
  if (code === 401) throw new UnauthorizedError();
  if (code === 403) throw new ForbiddenError(text);
  if (code < 200 || code >= 300) throw new UnexpectedResponseError(code, response.status, text);
}

/** The `detail`s of a JSON:API error body; none when the body is not one. */
function notFoundDetails(text: string): string[] {
  try {
    const payload = JSON.parse(text) as { errors?: Array<{ detail?: string }> };
    return (payload.errors ?? []).map((e) => e.detail ?? '');
  } catch {
    return [];
  }
}

/** True when the error is go-concourse's "not found" (many commands turn it into a boolean). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ResourceNotFoundError;
}
