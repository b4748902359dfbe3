// Prometheus metrics. Every service owns one registry and serves it at /metrics.
import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';

export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Serves `/metrics` (and `/healthz`) on its own port for services without an HTTP API. */
export async function serveMetrics(
  registries: Registry[],
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; port: number }> {
  const merged = Registry.merge(registries);
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      merged
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'Content-Type': merged.contentType });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200);
      res.end('ok\n');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
