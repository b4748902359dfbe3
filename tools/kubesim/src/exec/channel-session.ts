// The Kubernetes websocket channel protocol for one exec: stdin on channel 0, stdout 1, stderr 2,
// the exit status on 3, resize on 4 (ignored), and in v5 the close-stdin signal [255, 0].
import type { WebSocket } from 'ws';
import type { SandboxProcess } from '../kubelet/spawner.ts';
import { OutputChannel } from './output-channel.ts';

export const supportedProtocols = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

// How long output of a background child may keep the pipes open after the command itself exited.
const outputDrainMs = 1000;

// bwrap's own report that it could not start the command, as its first line on stderr.
const startFailure = /^bwrap: execvp ([^\n]*)\n$/;
const startFailurePrefix = 'bwrap: execvp ';

function couldBeStartFailure(text: string): boolean {
  if (text.length <= startFailurePrefix.length) return startFailurePrefix.startsWith(text);
  return text.startsWith(startFailurePrefix) && !text.includes('\n');
}

function statusMessage(exitCode: number, startError: string | undefined): object {
  if (startError !== undefined) {
    const message = `Internal error occurred: error executing command in container: failed to exec in container: ${startError}`;
    return {
      metadata: {},
      status: 'Failure',
      message,
      reason: 'InternalError',
      details: { causes: [{ message }] },
      code: 500,
    };
  }
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function frame(id: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = id;
  body.copy(out, 1);
  return out;
}

// The process could not be started at all: the status says so, as a runtime's exec error would.
export function failSession(ws: WebSocket, protocol: string, reason: string): void {
  if (ws.readyState !== ws.OPEN) return;
  const status =
    protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io'
      ? JSON.stringify(statusMessage(0, reason))
      : reason;
  ws.send(frame(channel.error, status));
  ws.close(1000);
}

export function runChannelSession(
  ws: WebSocket,
  protocol: string,
  child: SandboxProcess,
  exitCodeOf: (code: number | null, signal: NodeJS.Signals | null) => number,
): void {
  const send = (id: number, data: Buffer | string): void => {
    if (ws.readyState === ws.OPEN) ws.send(frame(id, data));
  };
  const endStdin = (): void => {
    if (child.stdin && !child.stdin.writableEnded) child.stdin.end();
  };
  // Stdin the command has not taken yet holds back the client: the socket is paused until it drains.
  let isStdinFull = false;
  const stdinDrained = (): void => {
    if (!isStdinFull) return;
    isStdinFull = false;
    ws.resume();
  };
  child.stdin?.on('error', () => {});
  child.stdin?.on('drain', stdinDrained);
  child.stdin?.on('close', stdinDrained);

  ws.on('message', (data: Buffer) => {
    const id = data[0];
    if (id === channel.stdin && child.stdin && !child.stdin.writableEnded) {
      if (!child.stdin.write(data.subarray(1)) && !isStdinFull) {
        isStdinFull = true;
        ws.pause();
      }
    } else if (
      id === channel.close &&
      data[1] === channel.stdin &&
      protocol === 'v5.channel.k8s.io'
    )
      endStdin();
  });
  const stdout = new OutputChannel(ws, channel.stdout, child.stdout);
  const stderr = new OutputChannel(ws, channel.stderr, child.stderr);
  const clientGone = (): void => {
    endStdin();
    stdout.discard();
    stderr.discard();
  };
  ws.on('close', clientGone);
  ws.on('error', clientGone);

  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  // Stderr is held back while it may still be bwrap failing to start the command (written in
  // pieces), which a real runtime reports as an exec error rather than as the command's output.
  let heldStderr: string | undefined = '';
  let startError: string | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    if (heldStderr === undefined) return stderr.push(chunk);
    heldStderr += chunk.toString('latin1');
    const failure = startFailure.exec(heldStderr);
    if (failure) {
      startError = failure[1];
      heldStderr = undefined;
    } else if (!couldBeStartFailure(heldStderr)) {
      stderr.push(Buffer.from(heldStderr, 'latin1'));
      heldStderr = undefined;
    }
  });

  let isClosed = false;
  child.on('close', () => {
    isClosed = true;
  });
  child.on('exit', (code, signal) => {
    const exitCode = exitCodeOf(code, signal);
    let isFinished = false;
    const finish = (): void => {
      if (isFinished) return;
      isFinished = true;
      clearTimeout(timer);
      stdout.flush();
      stderr.flush();
      if (heldStderr) send(channel.stderr, Buffer.from(heldStderr, 'latin1'));
      heldStderr = undefined;
      if (startError !== undefined && exitCode !== 1) {
        send(channel.stderr, `bwrap: execvp ${startError}\n`);
        startError = undefined;
      }
      if (protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io') {
        send(channel.error, JSON.stringify(statusMessage(exitCode, startError)));
      } else if (exitCode !== 0) {
        send(channel.error, `command terminated with non-zero exit code: ${exitCode}`);
      }
      if (ws.readyState === ws.OPEN) ws.close(1000);
    };
    // The drain time of a background child counts only while the client is taking output: output
    // held back by a slow client is not cut off.
    let timer: NodeJS.Timeout | undefined;
    const armTimer = (): void => {
      timer = setTimeout(() => {
        if (stdout.isBusy || stderr.isBusy) stdout.whenIdle(() => stderr.whenIdle(armTimer));
        else finish();
      }, outputDrainMs);
    };
    armTimer();
    if (isClosed) finish();
    else child.once('close', finish);
  });
}
