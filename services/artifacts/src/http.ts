// The artifact service's HTTP side: streamed uploads and downloads of tars, /metrics.
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { Registry } from 'prom-client';
import { ArtifactStore, ArtifactTooLargeError, InvalidArtifactKeyError } from './store.ts';
import { MalformedArtifactError, tarChecker, UnsafeArtifactError } from './tar-check.ts';

export function createArtifactsApp(store: ArtifactStore, registry: Registry): Hono {
  const app = new Hono();

  app.get('/metrics', async (c) =>
    c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
  );
  app.get('/healthz', (c) => c.text('ok\n'));

  app.put('/artifacts/:key', async (c) => {
    const body = c.req.raw.body;
    if (!body) return c.json({ error: 'empty body' }, 400);
    const { bytes } = await store.put(
      c.req.param('key'),
      Readable.fromWeb(body as never),
      tarChecker(),
    );
    return c.json({ key: c.req.param('key'), bytes }, 201);
  });

  // HEAD reaches this handler too: it answers whether (and how large) a tar is stored, unopened.
  app.get('/artifacts/:key', async (c) => {
    const key = c.req.param('key');
    const size = await store.size(key);
    if (size === null) return c.json({ error: `artifact ${key} not found` }, 404);
    const headers = { 'Content-Type': 'application/x-tar' };
    if (c.req.method === 'HEAD') {
      return new Response(null, { headers: { ...headers, 'Content-Length': String(size) } });
    }
    return new Response(Readable.toWeb(store.read(key)) as ReadableStream, { headers });
  });

  app.delete('/artifacts/:key', async (c) => {
    await store.delete(c.req.param('key'));
    return c.body(null, 204);
  });

  app.onError((err, c) => {
    if (err instanceof ArtifactTooLargeError) {
      return c.json({ error: err.message, limit_bytes: store.maxBytes }, 413);
    }
    if (err instanceof InvalidArtifactKeyError) return c.json({ error: err.message }, 400);
    if (err instanceof UnsafeArtifactError || err instanceof MalformedArtifactError) {
      return c.json({ error: err.message }, 422);
    }
    return c.json({ error: 'artifact store failed' }, 500);
  });

  return app;
}

export async function listen(
  app: Hono,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '0.0.0.0' }, (info) => {
      resolve({
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
