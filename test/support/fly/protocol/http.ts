// One HTTP exchange over node:http(s), keeping what fly's Go client sees: the raw status line,
// exact headers and the body bytes (or the live stream, for event streams).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { NetworkError } from './errors.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  insecure?: boolean;
  caCert?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  statusCode: number;
  /** Go's Response.Status, e.g. `500 Internal Server Error`. */
  status: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export function openRequest(req: HttpRequest): Promise<IncomingMessage> {
  const url = new URL(req.url);
  const lib = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    'User-Agent': 'Go-http-client/1.1',
    ...req.headers,
  };
  if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const request = lib.request(
      url,
      {
        method: req.method,
        headers,
        signal: req.signal,
        rejectUnauthorized: !req.insecure,
        ...(req.caCert ? { ca: req.caCert } : {}),
      },
      resolve,
    );
    request.on('error', (err) => {
      const method = req.method[0] + req.method.slice(1).toLowerCase();
      reject(new NetworkError(`${method} "${req.url}": ${err.message}`));
    });
    request.end(req.body);
  });
}

export function statusLine(res: IncomingMessage): string {
  return `${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd();
}

export async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function sendRequest(req: HttpRequest): Promise<HttpResponse> {
  const res = await openRequest(req);
  const body = await readBody(res);
  return { statusCode: res.statusCode ?? 0, status: statusLine(res), headers: res.headers, body };
}
