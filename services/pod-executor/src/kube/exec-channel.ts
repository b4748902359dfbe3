// One Kubernetes exec over the websocket channel protocol (v5, falling back to v4): stdin on
// channel 0, stdout 1, stderr 2, the status on 3, and in v5 the close-stdin signal.
import type { KubeConfig } from '@kubernetes/client-node';
import { createSecureContext } from 'node:tls';
import WebSocket from 'ws';
import { ExecFailedError, ExecInterruptedError } from './errors.ts';

const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, close: 255 } as const;
// Above this much unsent stdin, writers wait: memory stays flat for any stream size.
const highWaterMark = 1024 * 1024;

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdin: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

interface StatusBody {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

function exitCodeOf(body: StatusBody): number {
  if (body.status === 'Success') return 0;
  const cause = body.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (body.reason === 'NonZeroExitCode' && cause?.message !== undefined)
    return Number(cause.message);
  throw new ExecFailedError(body.message ?? 'exec failed');
}

// The TLS settings and credentials of a kubeconfig, made into one secure context that every exec
// shares: building it (parsing the CA and the client key) costs more than the exec's handshake.
// They are read again after a while, so that a rotated service account token is picked up.
const connectionReuseMs = 60_000;
const connections = new WeakMap<
  KubeConfig,
  { options: Promise<WebSocket.ClientOptions>; madeAt: number }
>();

function connectionOptions(kc: KubeConfig): Promise<WebSocket.ClientOptions> {
  const known = connections.get(kc);
  if (known && Date.now() - known.madeAt < connectionReuseMs) return known.options;
  const options = (async () => {
    const tlsOptions: WebSocket.ClientOptions = {};
    await kc.applyToHTTPSOptions(tlsOptions);
    const { ca, cert, key, pfx, passphrase, ...rest } = tlsOptions;
    return {
      ...rest,
      perMessageDeflate: false,
      secureContext: createSecureContext({ ca, cert, key, pfx, passphrase }),
    };
  })();
  options.catch(() => connections.delete(kc));
  connections.set(kc, { options, madeAt: Date.now() });
  return options;
}

// Why the API server refused an exec, in words: a pod that is gone says so instead of showing the
// server's Status object.
function refusal(request: ExecRequest, statusCode: number | undefined, body: string): Error {
  if (statusCode === 404) {
    let reason: unknown;
    try {
      reason = (JSON.parse(body) as { reason?: unknown }).reason;
    } catch {
      reason = undefined;
    }
    if (reason === 'NotFound')
      return new ExecFailedError(`pod ${request.pod} no longer exists`, statusCode);
  }
  return new ExecFailedError(`exec refused (${statusCode}): ${body}`, statusCode);
}

export class ExecChannel {
  readonly #ws: WebSocket;
  readonly exitCode: Promise<number>;

  private constructor(ws: WebSocket, request: ExecRequest) {
    this.#ws = ws;
    this.exitCode = new Promise<number>((resolve, reject) => {
      let settled = false;
      ws.on('message', (data: Buffer) => {
        const id = data[0];
        const body = data.subarray(1);
        if (id === channel.stdout && body.length > 0) request.onStdout?.(body);
        else if (id === channel.stderr && body.length > 0) request.onStderr?.(body);
        else if (id === channel.status && body.length > 0 && !settled) {
          settled = true;
          try {
            resolve(exitCodeOf(JSON.parse(body.toString('utf8')) as StatusBody));
          } catch (err) {
            reject(err instanceof SyntaxError ? new ExecFailedError(body.toString('utf8')) : err);
          }
        }
      });
      ws.on('close', () => {
        if (!settled) reject(new ExecInterruptedError('exec stream closed before the exit status'));
        settled = true;
      });
      ws.on('error', () => {});
    });
    this.exitCode.catch(() => {});
  }

  static async open(kc: KubeConfig, request: ExecRequest): Promise<ExecChannel> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    const query = new URLSearchParams({ container: request.container, stdout: 'true' });
    query.set('stderr', 'true');
    query.set('stdin', String(request.stdin));
    for (const part of request.command) query.append('command', part);
    const path = `/api/v1/namespaces/${request.namespace}/pods/${request.pod}/exec?${query}`;
    const url = `${cluster.server.replace(/^http/, 'ws')}${path}`;
    const ws = new WebSocket(url, protocols, await connectionOptions(kc));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString('utf8')));
        res.on('end', () => reject(refusal(request, res.statusCode, text)));
      });
      ws.once('error', reject);
    });
    return new ExecChannel(ws, request);
  }

  get supportsStdinClose(): boolean {
    return this.#ws.protocol === 'v5.channel.k8s.io';
  }

  /** Sends stdin; resolves when the socket has room for more. */
  async write(chunk: Buffer): Promise<void> {
    if (this.#ws.readyState !== WebSocket.OPEN)
      throw new ExecInterruptedError('exec stream closed');
    const frame = Buffer.allocUnsafe(chunk.length + 1);
    frame[0] = channel.stdin;
    chunk.copy(frame, 1);
    await new Promise<void>((resolve, reject) => {
      this.#ws.send(frame, (err) => (err ? reject(err) : resolve()));
      if (this.#ws.bufferedAmount < highWaterMark) resolve();
    });
  }

  /** Closes stdin (v5); on v4 there is no way to, so the caller must not rely on EOF. */
  closeStdin(): void {
    if (this.supportsStdinClose && this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.send(Buffer.from([channel.close, channel.stdin]));
    }
  }

  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }

  /** Drops the connection; the process in the pod is not signalled. */
  terminate(): void {
    this.#ws.terminate();
  }
}
