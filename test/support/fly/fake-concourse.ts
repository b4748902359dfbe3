// A tiny Concourse server side for the fly client's unit tests: routes by method and raw path,
// and records every request so tests can assert what fly sent.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export class FakeConcourse {
  readonly requests: RecordedRequest[] = [];
  readonly server: http.Server;
  /** Per route, the handlers still to answer; the last one keeps answering until replaced. */
  private readonly routes = new Map<string, { handlers: Handler[]; lastUsed: boolean }>();

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = req.url ?? '';
        this.requests.push({ method: req.method ?? '', url, headers: req.headers, body });
        const key = `${req.method} ${url.split('?')[0]}`;
        const route = this.routes.get(key);
        const handler =
          route && route.handlers.length > 1 ? route.handlers.shift() : route?.handlers[0];
        if (route && route.handlers.length === 1) route.lastUsed = true;
        if (handler === undefined) {
          res.writeHead(404).end();
          return;
        }
        handler(req, res, body);
      });
    });
    this.routes.set('GET /api/v1/info', {
      handlers: [json(200, { version: '8.2.4', worker_version: '3.0' })],
      lastUsed: true,
    });
  }

  /**
   * Queues a handler: queued handlers answer once each, in order; the last keeps answering
   * until a new one is queued after it has been used.
   */
  on(method: string, path: string, handler: Handler): this {
    const key = `${method} ${path}`;
    const route = this.routes.get(key) ?? { handlers: [], lastUsed: false };
    if (route.lastUsed) route.handlers = [];
    route.handlers.push(handler);
    route.lastUsed = false;
    this.routes.set(key, route);
    return this;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  find(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.url.split('?')[0] === path);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(`${JSON.stringify(body)}\n`);
  };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** A fly home with one logged-in target named `test`. */
export async function flyHome(api: string, team = 'main'): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'fly-home-'));
  const flyrc = `targets:\n  test:\n    api: ${api}\n    team: ${team}\n    token:\n      type: bearer\n      value: tok\n`;
  await writeFile(join(home, '.flyrc'), flyrc);
  return home;
}

/** One SSE event frame in the shape the real server writes. */
export function sseEvent(id: number, event: string, version: string, data: unknown): string {
  const envelope = { data, event, version, event_id: String(id) };
  return `id: ${id}\nevent: event\ndata: ${JSON.stringify(envelope)}\n\n`;
}

export function sseHeaders(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    'X-Accel-Buffering': 'no',
  });
}
