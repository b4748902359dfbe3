// kubesim's spawn helper: a small process that starts the sandboxes for kubesim. Forking copies
// the parent's page tables, so a spawn from kubesim itself blocks its event loop for as long as its
// memory is large (25 ms at 350 MB); this process stays small, so its spawns stay cheap and kubesim
// never blocks on them.
//
// kubesim sends requests over the IPC channel and connects one unix socket per wanted stdio stream,
// each opened by a header naming the request and the stream. The socket itself becomes the child's
// stdin, stdout or stderr, so output never passes through this process.
import { spawn, type StdioOptions } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { headerLength, type HelperReply, type SpawnRequest } from './spawn-protocol.ts';

interface Pending {
  request?: SpawnRequest;
  sockets: (Socket | undefined)[];
}

const socketName = process.argv[2];
if (!socketName || !process.send) {
  console.error(
    'usage: spawn-helper <abstract socket name>, started by kubesim with an IPC channel',
  );
  process.exit(2);
}

const pending = new Map<string, Pending>();

function reply(message: HelperReply): void {
  process.send?.(message);
}

function pendingOf(id: string): Pending {
  let entry = pending.get(id);
  if (!entry) {
    entry = { sockets: [] };
    pending.set(id, entry);
  }
  return entry;
}

function startIfComplete(id: string): void {
  const entry = pending.get(id);
  const request = entry?.request;
  if (!entry || !request) return;
  if (request.streams.some((wanted, fd) => wanted && !entry.sockets[fd])) return;
  pending.delete(id);

  const stdio = request.streams.map((wanted, fd) =>
    wanted ? entry.sockets[fd]! : 'ignore',
  ) as StdioOptions;
  let isSettled = false;
  try {
    const child = spawn(request.file, request.args, {
      detached: true,
      stdio,
      env: request.env,
    });
    child.once('error', (error) => {
      if (isSettled) return;
      isSettled = true;
      reply({ type: 'failed', id, message: error.message });
    });
    child.once('spawn', () => {
      isSettled = true;
      reply({ type: 'spawned', id, pid: child.pid! });
    });
    child.once('exit', (code, signal) => reply({ type: 'exit', id, code, signal }));
  } catch (error) {
    reply({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    // The child holds its own copies; ours must go so that end of stream reaches kubesim.
    for (const socket of entry.sockets) socket?.destroy();
  }
}

const server = createServer({ pauseOnConnect: true }, (socket) => {
  socket.on('error', () => {});
  const takeHeader = (): void => {
    const header = socket.read(headerLength) as Buffer | null;
    if (!header) return void socket.once('readable', takeHeader);
    socket.pause();
    const id = header.subarray(0, headerLength - 1).toString('latin1');
    const fd = header[headerLength - 1]! - 0x30;
    if (fd < 0 || fd > 2) return void socket.destroy();
    pendingOf(id).sockets[fd] = socket;
    startIfComplete(id);
  };
  socket.once('readable', takeHeader);
});

process.on('message', (message: SpawnRequest) => {
  pendingOf(message.id).request = message;
  startIfComplete(message.id);
});
// kubesim is gone: so are we, and with us (bwrap --die-with-parent) every sandbox.
process.on('disconnect', () => process.exit(0));
// A Ctrl-C or SIGTERM sent to kubesim's process group is kubesim's to handle: it stops its pods,
// then lets this process go by closing the channel.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

server.listen(`\0${socketName}`, () => reply({ type: 'ready' }));
