// The web service's HTTP side: the Concourse API, skymarshal's login endpoints, /metrics, and the
// node server with websocket upgrades for hijack.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import { dispatch, prepareRequest } from './api/dispatch.ts';
import { errorResponse } from './api/error-response.ts';
import { CONCOURSE_VERSION } from './api/info.ts';
import { apiRoutes } from './api/routes.ts';
import type { Route } from './api/route-table.ts';
import { skyRoutes } from './auth/sky-routes.ts';
import type { WebContext } from './context.ts';

export function createApiApp(ctx: WebContext, routes: readonly Route[] = apiRoutes): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('X-Concourse-Version', CONCOURSE_VERSION);
  });

  app.get('/metrics', async (c) =>
    c.body(await ctx.registry.metrics(), 200, { 'Content-Type': ctx.registry.contentType }),
  );
  app.route('/', skyRoutes(ctx));
  app.all('/api/v1/*', (c) => dispatch(ctx, routes, c.req.raw));
  app.notFound((c) => c.json({ errors: [{ detail: 'resource not found' }] }, 404));
  app.onError((err) => errorResponse(err, ctx.logger));
  return app;
}

function requestFromUpgrade(message: IncomingMessage): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(message.headers)) {
    if (typeof value === 'string') headers.set(key, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
  }
  return new Request(new URL(message.url ?? '/', 'http://localhost'), { method: 'GET', headers });
}

async function refuseUpgrade(socket: Duplex, response: Response): Promise<void> {
  const body = await response.text();
  socket.end(
    `HTTP/1.1 ${response.status} ${response.statusText || 'Error'}\r\n` +
      `Content-Type: ${response.headers.get('content-type') ?? 'text/plain'}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on the configured address (port 0 picks one) and serves upgrades for websocket routes. */
export async function startHttpServer(
  ctx: WebContext,
  app: Hono,
  routes: readonly Route[] = apiRoutes,
): Promise<RunningServer> {
  const wss = new WebSocketServer({ noServer: true });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, port: ctx.settings.bindPort, hostname: ctx.settings.bindIp },
      () => {
        s.off('error', refused);
        resolve(s);
      },
    );
    // A port in use or not ours to bind is said in one line, not as an unhandled error event.
    const refused = (err: NodeJS.ErrnoException) => {
      const where = `${ctx.settings.bindIp}:${ctx.settings.bindPort}`;
      const why =
        err.code === 'EADDRINUSE'
          ? `${where} is already in use (choose another with --bind-port)`
          : `${where}: ${err.message}`;
      reject(new Error(`web cannot listen on ${why}`, { cause: err }));
    };
    s.once('error', refused);
  });

  server.on('upgrade', (message: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const request = requestFromUpgrade(message);
      const log = ctx.logger.child({ method: 'GET', path: request.url, upgrade: true });
      const prepared = await prepareRequest(ctx, routes, request, log);
      if (!prepared.ok) return refuseUpgrade(socket, prepared.response);
      if (!prepared.route.websocket) {
        return refuseUpgrade(
          socket,
          new Response('this route is not a websocket', { status: 400 }),
        );
      }
      let serveSocket;
      try {
        serveSocket = await prepared.route.websocket(prepared.req);
      } catch (err) {
        return refuseUpgrade(socket, errorResponse(err, log));
      }
      wss.handleUpgrade(message, socket, head, (ws) => serveSocket(ws));
    })().catch((err) => {
      ctx.logger.error({ err }, 'upgrade-failed');
      socket.destroy();
    });
  });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.settings.bindPort;
  return {
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
