// `fly intercept`: a process exec'd into a step's pod (no TTY, plain pipes), bridged to the
// session's input and output subjects, as the user it asks for or refused (intercept-user.ts).
import type { Bus, InterceptOpen, InterceptOpened, Stoppable } from '@jetbridge/bus';
import type { Logger } from '@jetbridge/telemetry';
import { ExecFailedError } from '../kube/errors.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { mainContainer } from '../pods/pod-spec.ts';
import { isExecutableMissing } from '../exec/executable-check.ts';
import { interceptCommand, planUser } from './intercept-user.ts';

export function serveInterceptSessions(bus: Bus, client: KubeClient, logger: Logger): Stoppable {
  return bus.serveIntercepts(async (req) =>
    openSession(bus, client, req, logger.child({ pod: req.podName, session: req.sessionId })),
  );
}

async function openSession(
  bus: Bus,
  client: KubeClient,
  req: InterceptOpen,
  logger: Logger,
): Promise<InterceptOpened> {
  let sending: Promise<void> = Promise.resolve();
  const send = (msg: Parameters<Bus['sendInterceptOutput']>[1]): void => {
    sending = sending.then(() => bus.sendInterceptOutput(req.sessionId, msg)).catch(() => {});
  };
  const plan = await planUser(client, req.podName, req.process.user);
  if (plan.kind === 'refused') {
    logger.info({ user: req.process.user, reason: plan.error }, 'intercept-user-refused');
    return { v: 1, ok: false, error: plan.error };
  }
  let channel;
  try {
    channel = await client.exec(req.podName, {
      container: mainContainer,
      command: interceptCommand(req.process, plan),
      stdin: true,
      onStdout: (chunk) => send({ v: 1, stdout: chunk.toString('base64') }),
      onStderr: (chunk) => send({ v: 1, stderr: chunk.toString('base64') }),
    });
  } catch (err) {
    logger.warn({ err }, 'intercept-open-failed');
    return { v: 1, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const open = channel;
  let input: Stoppable | null = bus.onInterceptInput(req.sessionId, (msg) => {
    if (msg.stdin) void open.write(Buffer.from(msg.stdin, 'base64')).catch(() => {});
    if (msg.closed) open.closeStdin();
    if (msg.hangup) open.terminate();
  });
  logger.info({ path: req.process.path }, 'intercept-opened');
  void open.exitCode
    .then(
      async (code) => {
        // A process run under a shell (ours, or the toolbox's) that is not found exits 127.
        const wrapped =
          req.process.env.length > 0 ||
          Boolean(req.process.dir) ||
          plan.kind === 'switch' ||
          (code === 127 && (await client.runsWithToolbox(req.podName, mainContainer)));
        if (
          wrapped &&
          code === 127 &&
          (await isExecutableMissing(client, req.podName, req.process.path, req.process.dir ?? '.'))
        ) {
          send({
            v: 1,
            executableNotFound: true,
            error: `${req.process.path}: executable not found`,
          });
        }
        send({ v: 1, exitStatus: code });
      },
      (err: unknown) => {
        if (err instanceof ExecFailedError && err.executableNotFound) {
          send({ v: 1, executableNotFound: true, error: err.message });
        } else {
          send({ v: 1, error: err instanceof Error ? err.message : String(err) });
        }
      },
    )
    .finally(async () => {
      await sending;
      await input?.stop();
      input = null;
      logger.info({}, 'intercept-closed');
    });
  return { v: 1, ok: true };
}
