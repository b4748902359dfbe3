// A plain-HTTP proxy in front of kubesim that injects the failures a real API server and network
// produce: throttling (429), server errors (503), connections reset mid-request, and watches cut
// after their first event. Tests point the executor at its kubeconfig; it holds the real token.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export type Fault =
  | 'throttle'
  | 'unavailable'
  | 'reset'
  /** a watch whose connection dies before its first event arrives */
  | 'cut-watch'
  /** a watch answered with a 410 Expired ERROR event, as for a compacted resource version */
  | 'expire-watch'
  /** an exec upgrade answered 500 `container not found`, as while a container starts */
  | 'refuse-exec'
  /** an exec upgrade answered 403, a refusal that does not pass */
  | 'forbid-exec'
  /** an exec that opens, and whose connection dies with the first frame from the server */
  | 'cut-exec';

export interface FaultRule {
  /** Which requests the rule applies to (method and URL with query). */
  match: (method: string, url: string) => boolean;
  fault: Fault;
  /** How many matching requests get the fault; later ones pass. */
  times: number;
}

export interface FaultProxy {
  /** When each request arrived, in ms since the proxy started. */
  timings: number[];
  kubeconfigPath: string;
  /** Every request seen, as `METHOD url`, in order. */
  requests: string[];
  /** Faults injected so far, as `fault METHOD url`. */
  injected: string[];
  addRule(rule: FaultRule): void;
  close(): Promise<void>;
}

export interface Upstream {
  url: string;
  token: string;
  caCertificate: string;
}

// Passes the upgrade's response, then cuts both connections at the first byte after it.
function cutAfterUpgrade(up: Socket, client: Socket): void {
  let head = Buffer.alloc(0);
  let isUpgraded = false;
  up.on('data', (chunk: Buffer) => {
    let rest = chunk;
    if (!isUpgraded) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      isUpgraded = true;
      client.write(head.subarray(0, end + 4));
      rest = head.subarray(end + 4);
    }
    if (rest.length > 0) {
      up.destroy();
      client.destroy();
    }
  });
}

function writeProxyKubeconfig(path: string, server: string, namespace: string): void {
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: proxy',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: proxy',
    '  user: {}',
    'contexts:',
    '- name: proxy',
    '  context:',
    '    cluster: proxy',
    '    user: proxy',
    `    namespace: ${namespace}`,
    'current-context: proxy',
    '',
  ];
  writeFileSync(path, lines.join('\n'), { mode: 0o600 });
}

export async function startFaultProxy(
  upstream: Upstream,
  kubeconfigPath: string,
  namespace: string,
): Promise<FaultProxy> {
  const target = new URL(upstream.url);
  const rules: FaultRule[] = [];
  const requests: string[] = [];
  const injected: string[] = [];
  const timings: number[] = [];
  const startedAt = Date.now();
  const sockets = new Set<Socket>();

  const faultFor = (method: string, url: string): Fault | null => {
    const rule = rules.find((r) => r.times > 0 && r.match(method, url));
    if (!rule) return null;
    rule.times -= 1;
    injected.push(`${rule.fault} ${method} ${url}`);
    return rule.fault;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault | null): void => {
    const upstreamReq = httpsRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        ca: upstream.caCertificate,
        headers: { ...req.headers, host: target.host, authorization: `Bearer ${upstream.token}` },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        if (fault === 'cut-watch') {
          // The connection dies with the first event still in flight: the client must resume.
          upstreamRes.once('data', () => {
            upstreamReq.destroy();
            res.socket?.destroy();
          });
          return;
        }
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.socket?.destroy());
    req.pipe(upstreamReq);
  };

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    requests.push(`${method} ${url}`);
    timings.push(Date.now() - startedAt);
    const fault = faultFor(method, url);
    if (fault === 'throttle' || fault === 'unavailable') {
      const code = fault === 'throttle' ? 429 : 503;
      req.resume();
      res.writeHead(code, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: fault === 'throttle' ? 'TooManyRequests' : 'ServiceUnavailable',
          code,
        }),
      );
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'expire-watch') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Expired',
        code: 410,
      };
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    forward(req, res, fault);
  });

  // Exec upgrades: the raw request goes on to kubesim over TLS, and then bytes flow both ways.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = req.url ?? '/';
    requests.push(`UPGRADE ${url}`);
    timings.push(Date.now() - startedAt);
    const fault = faultFor('UPGRADE', url);
    if (fault === 'reset') {
      socket.destroy();
      return;
    }
    if (fault !== null && fault !== 'cut-exec') {
      const code = { throttle: 429, unavailable: 503, 'forbid-exec': 403 }[fault as string] ?? 500;
      const body =
        fault === 'forbid-exec'
          ? 'pods "step" is forbidden: exec is not allowed'
          : 'unable to upgrade connection: container not found ("step")';
      socket.end(
        `HTTP/1.1 ${code} Refused\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const up = tlsConnect({
      host: target.hostname,
      port: Number(target.port),
      ca: upstream.caCertificate,
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
    up.once('secureConnect', () => {
      const headers = {
        ...req.headers,
        host: target.host,
        authorization: `Bearer ${upstream.token}`,
      };
      const lines = [`${req.method} ${url} HTTP/1.1`];
      for (const [name, value] of Object.entries(headers)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (v !== undefined) lines.push(`${name}: ${v}`);
        }
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) up.write(head);
      if (fault === 'cut-exec') cutAfterUpgrade(up, socket);
      else up.pipe(socket);
      socket.pipe(up);
    });
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  writeProxyKubeconfig(kubeconfigPath, `http://127.0.0.1:${port}`, namespace);

  return {
    kubeconfigPath,
    requests,
    injected,
    timings,
    addRule: (rule) => rules.push(rule),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
