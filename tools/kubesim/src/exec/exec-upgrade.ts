// Upgrades pods/exec requests to websockets and runs the command in the container's sandbox.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Kubelet } from '../kubelet/kubelet.ts';
import { exitCodeOf } from '../kubelet/process-group.ts';
import type { Logger } from '../logger.ts';
import { StatusError, badRequest } from '../server/status-error.ts';
import { failSession, runChannelSession, supportedProtocols } from './channel-session.ts';

const execPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const status =
    error instanceof StatusError ? error : new StatusError('InternalError', String(error));
  const body = JSON.stringify(status.toStatus());
  const reason =
    status.code === 401 ? 'Unauthorized' : status.code === 404 ? 'Not Found' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export class ExecUpgrader {
  #kubelet: Kubelet;
  #logger: Logger;
  #sessions = new Map<string, Set<WebSocket>>();
  #wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => supportedProtocols.find((p) => offered.has(p)) ?? false,
  });

  constructor(kubelet: Kubelet, logger: Logger) {
    this.#kubelet = kubelet;
    this.#logger = logger;
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://kubesim');
    const match = execPath.exec(url.pathname);
    if (!match)
      throw new StatusError('NotFound', 'the server could not find the requested resource');
    const [, namespace, name] = match as unknown as [string, string, string];
    const params = url.searchParams;
    const command = params.getAll('command');
    if (command.length === 0) throw badRequest('you must specify at least 1 command');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!supportedProtocols.some((p) => offered.includes(p))) {
      throw badRequest(`unsupported websocket subprotocols: ${offered.join(', ')}`);
    }
    const { launch, container } = this.#kubelet.execLaunch(
      namespace,
      name,
      params.get('container') ?? undefined,
    );
    const wants = (flag: string): boolean =>
      params.get(flag) === 'true' || params.get(flag) === '1';

    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const streams = { stdin: wants('stdin'), stdout: wants('stdout'), stderr: wants('stderr') };
      // What the client sends while the process is being started is kept for it.
      const early: Buffer[] = [];
      const keep = (data: Buffer): void => void early.push(data);
      ws.on('message', keep);
      this.#kubelet.spawnExec(namespace, name, launch, command, streams).then(
        (child) => {
          this.#logger.debug({ pod: name, container, command, pid: child.pid }, 'exec-started');
          const key = `${namespace}/${name}`;
          const sessions = this.#sessions.get(key) ?? new Set();
          this.#sessions.set(key, sessions);
          sessions.add(ws);
          ws.on('close', () => sessions.delete(ws));
          ws.off('message', keep);
          runChannelSession(ws, ws.protocol, child, exitCodeOf);
          for (const data of early) ws.emit('message', data, true);
          if (ws.readyState !== ws.OPEN) child.stdin?.end();
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          this.#logger.error({ pod: name, container, err: error }, 'exec-spawn-failed');
          failSession(ws, ws.protocol, message);
        },
      );
    });
  }

  // Cuts every open exec connection of a pod abruptly; the commands keep running.
  dropStreams(namespace: string, name: string): void {
    for (const ws of this.#sessions.get(`${namespace}/${name}`) ?? []) ws.terminate();
  }

  close(): void {
    for (const sessions of this.#sessions.values()) for (const ws of sessions) ws.terminate();
    this.#wss.close();
  }
}
