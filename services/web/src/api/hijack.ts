// `fly hijack` / `fly intercept`: bridges the hijack websocket to an intercept session on the bus,
// which the pod executor serves with a Kubernetes exec. The socket closes after the exit status.
import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '@jetbridge/api-types';
import type { InterceptInput, InterceptOutput } from '@jetbridge/bus';
import type { WebSocket } from 'ws';
import { findContainer } from './containers.ts';
import type { ContainerRow } from './present/container.ts';
import { text } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

interface ProcessSpec {
  path?: string;
  args?: string[] | null;
  env?: string[] | null;
  dir?: string;
  user?: string;
}

interface HijackInput {
  stdin?: string;
  closed?: boolean;
  tty?: { window_size?: { columns?: number; rows?: number } };
}

/** A plain GET on the hijack route: only the websocket upgrade is served. */
export async function hijackWithoutUpgrade(req: ApiRequest): Promise<Response> {
  await findContainer(req);
  return text(400, 'hijack needs a websocket upgrade');
}

export async function acceptHijack(req: ApiRequest): Promise<(socket: WebSocket) => void> {
  const container = await findContainer(req);
  const isAdmin = req.caller.kind === 'user' && req.caller.isAdmin;
  if (container.type === 'check' && !isAdmin) throw new ForbiddenError();
  return (socket) => bridgeHijack(req, container, socket);
}

// What fly reads for one message of the session. A missing executable is flagged, which makes fly
// retry its default `bash` with `sh`; for any other command the error goes too, so fly prints it
// and exits non-zero instead of ending as if the command had succeeded.
function toClient(msg: InterceptOutput, path: string): object[] {
  if (msg.stdout !== undefined) return [{ stdout: msg.stdout }];
  if (msg.stderr !== undefined) return [{ stderr: msg.stderr }];
  if (msg.exitStatus !== undefined) return [{ exit_status: msg.exitStatus }];
  if (msg.executableNotFound) {
    const flag = { executable_not_found: true };
    if (path === 'bash') return [flag];
    return [flag, { error: `exec: "${path}": executable file not found in $PATH` }];
  }
  if (msg.error !== undefined) return [{ error: msg.error }];
  return [];
}

function bridgeHijack(req: ApiRequest, container: ContainerRow, socket: WebSocket): void {
  const { bus } = req.ctx;
  const sessionId = randomUUID();
  const log = req.log.child({
    handle: container.handle,
    pod: container.pod_name,
    session: sessionId,
  });
  let opened = false;
  let finished = false;
  // Input that arrives before the executor has the session open waits here: the executor
  // subscribes to the input subject only once its exec is connected.
  let pending: InterceptInput[] | null = [];
  // The command asked for, once the session's spec has come.
  let path = 'bash';
  const output = bus.onInterceptOutput(sessionId, (msg) => {
    for (const reply of toClient(msg, path)) socket.send(JSON.stringify(reply));
    const ends = msg.exitStatus !== undefined || msg.executableNotFound || msg.error !== undefined;
    if (ends) finish();
  });

  const finish = () => {
    if (finished) return;
    finished = true;
    void output.stop();
    if (opened) void bus.sendInterceptInput(sessionId, { v: 1, hangup: true }).catch(() => {});
    socket.close();
    log.info('hijack-session-ended');
  };
  socket.on('close', finish);
  socket.on('error', finish);

  socket.on('message', (data) => {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      socket.send(JSON.stringify({ error: 'hijack messages must be JSON' }));
      return finish();
    }
    if (!opened) {
      opened = true;
      void open(message as ProcessSpec);
      return;
    }
    // Anything but an object (null, a number, a list) carries no input: ignore it.
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return;
    const input = message as HijackInput;
    const size = input.tty?.window_size;
    const forward =
      input.stdin !== undefined
        ? { v: 1 as const, stdin: input.stdin }
        : input.closed
          ? { v: 1 as const, closed: true }
          : size
            ? { v: 1 as const, resize: { columns: size.columns ?? 80, rows: size.rows ?? 24 } }
            : null;
    if (!forward) return;
    if (pending) pending.push(forward);
    else void bus.sendInterceptInput(sessionId, forward).catch(() => {});
  });

  async function flushPending() {
    const queued = pending ?? [];
    for (const input of queued) await bus.sendInterceptInput(sessionId, input).catch(() => {});
    pending = null;
  }

  async function open(spec: ProcessSpec) {
    path = spec.path || 'bash';
    try {
      const reply = await bus.openIntercept({
        v: 1,
        sessionId,
        handle: container.handle,
        podName: container.pod_name,
        process: {
          path,
          args: spec.args ?? [],
          env: spec.env ?? [],
          ...(spec.dir ? { dir: spec.dir } : {}),
          ...(spec.user ? { user: spec.user } : {}),
        },
      });
      if (!reply.ok) {
        socket.send(JSON.stringify({ error: reply.error ?? 'could not open the session' }));
        finish();
        return;
      }
      log.info('hijack-session-opened');
      await flushPending();
    } catch (err) {
      log.warn({ err }, 'hijack-open-failed');
      socket.send(
        JSON.stringify({ error: `could not reach the pod executor: ${(err as Error).message}` }),
      );
      finish();
    }
  }
}
