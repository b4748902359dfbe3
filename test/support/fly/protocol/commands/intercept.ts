// `fly intercept` / `hijack`: picks the container, then runs a process over the hijack websocket.
import WebSocket from 'ws';
import type { Command, CommandContext } from '../context.ts';
import { loadTarget, TEAM_FLAG } from '../context.ts';
import { parseJobFlag } from '../refs.ts';
import type { Target } from '../target.ts';
import { FlyExit } from '../errors.ts';
import { buildPath } from '../go-url.ts';
import { choose, unreadInput } from '../prompt.ts';

interface Container {
  id: string;
  state?: string;
  type?: string;
  step_name?: string;
  resource_name?: string;
  attempt?: string;
  expires_in?: string;
  job_name?: string;
  build_name?: string;
  user?: string;
  working_directory?: string;
  build_id?: number;
}

async function findContainer(ctx: CommandContext, target: Target): Promise<Container> {
  const { flags } = ctx;
  const handle = flags.str('handle');
  if (handle !== undefined) {
    try {
      return await target.json<Container>('GET', '/api/v1/teams/:team_name/containers/:id', {
        params: { team_name: target.team, id: handle },
      });
    } catch {
      ctx.io.eprintln(
        "no containers matched the given handle id!\n\nthey may have expired if your build hasn't recently finished.",
      );
      throw new FlyExit(1);
    }
  }
  const query: Array<[string, string]> = [];
  const check = flags.str('check');
  const job = flags.str('job');
  const build = flags.str('build');
  if (check !== undefined) {
    const ref = parseJobFlag(check, 'resource');
    query.push(['type', 'check'], ['resource_name', ref.job], ['pipeline_name', ref.pipeline.name]);
    if (ref.pipeline.instanceVars) query.push(['vars', JSON.stringify(ref.pipeline.instanceVars)]);
  } else {
    if (flags.str('step-type')) query.push(['type', flags.str('step-type') as string]);
    if (flags.str('step')) query.push(['step_name', flags.str('step') as string]);
    if (flags.str('attempt')) query.push(['attempt', flags.str('attempt') as string]);
    if (job !== undefined) {
      const ref = parseJobFlag(job);
      query.push(['pipeline_name', ref.pipeline.name]);
      if (ref.pipeline.instanceVars)
        query.push(['vars', JSON.stringify(ref.pipeline.instanceVars)]);
      query.push(['job_name', ref.job]);
      if (build !== undefined) query.push(['build_name', build]);
    } else if (build !== undefined) {
      query.push(['build_id', build]);
    } else {
      const builds = await target.json<Array<{ id: number; job_name?: string }>>(
        'GET',
        '/api/v1/builds',
        {
          query: [['limit', '100']],
        },
      );
      const oneOff = (builds ?? []).find((b) => !b.job_name);
      if (!oneOff) throw new Error('no builds match job');
      query.push(['build_id', String(oneOff.id)]);
    }
  }
  const containers = await target.json<Container[]>('GET', '/api/v1/teams/:team_name/containers', {
    params: { team_name: target.team },
    query,
  });
  const usable = (containers ?? []).filter((c) => c.state === 'created' || c.state === 'failed');
  if (usable.length === 0) {
    ctx.io.eprintln(
      "no containers matched your search parameters!\n\nthey may have expired if your build hasn't recently finished.",
    );
    throw new FlyExit(1);
  }
  if (usable.length === 1) return usable[0] as Container;
  const picked = choose(ctx.io, 'choose a container', usable.map(describeContainer));
  return usable[picked] as Container;
}

/** The chooser's line for one container, in fly's order of facts. */
function describeContainer(c: Container): string {
  const infos: string[] = [];
  if (c.build_id) infos.push(c.job_name ? `build #${c.build_name}` : `build id: ${c.build_id}`);
  if (c.step_name) infos.push(`step: ${c.step_name}`);
  if (c.resource_name) infos.push(`resource: ${c.resource_name}`);
  infos.push(`type: ${c.type ?? ''}`);
  if (c.type === 'check') infos.push(`expires in: ${c.expires_in ?? ''}`);
  if (c.attempt) infos.push(`attempt: ${c.attempt}`);
  return infos.join(', ');
}

interface Outcome {
  exitStatus: number;
  executableNotFound: boolean;
}

/** One hijack session: send the spec and stdin, collect output until the server closes. */
function hijack(
  ctx: CommandContext,
  target: Target,
  container: Container,
  spec: object,
): Promise<Outcome> {
  const path = buildPath('/api/v1/teams/:team_name/containers/:id/hijack', {
    team_name: target.team,
    id: container.id,
  });
  const url = `${target.url.replace(/^http/, 'ws')}${path}`;
  const headers: Record<string, string> = {};
  if (target.token) headers.Authorization = `${target.token.type} ${target.token.value}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers,
      rejectUnauthorized: !target.insecure,
      ...(target.caCert ? { ca: target.caCert } : {}),
    });
    const outcome: Outcome = { exitStatus: 0, executableNotFound: false };
    let ping: NodeJS.Timeout | undefined;
    ws.on('unexpected-response', (_req, res) => {
      reject(new Error(`${res.statusCode} ${res.statusMessage} websocket: bad handshake`));
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () => {
      ws.send(JSON.stringify(spec));
      const stdin = unreadInput(ctx.io);
      if (stdin !== '') ws.send(JSON.stringify({ stdin: Buffer.from(stdin).toString('base64') }));
      ws.send(JSON.stringify({ closed: true }));
      ping = setInterval(() => ws.ping(String(Date.now())), 10_000);
    });
    ws.on('message', (data) => {
      let output: Record<string, unknown>;
      try {
        output = JSON.parse(String(data)) as Record<string, unknown>;
      } catch (err) {
        ctx.io.println((err as Error).message);
        ws.terminate();
        return;
      }
      if (typeof output.exit_status === 'number') outcome.exitStatus = output.exit_status;
      else if (output.executable_not_found === true) outcome.executableNotFound = true;
      else if (typeof output.error === 'string' && output.error !== '') {
        ctx.io.eprintln(output.error);
        outcome.exitStatus = 255;
      } else if (typeof output.stdout === 'string' && output.stdout !== '') {
        ctx.io.print(Buffer.from(output.stdout, 'base64').toString('utf8'));
      } else if (typeof output.stderr === 'string' && output.stderr !== '') {
        ctx.io.eprint(Buffer.from(output.stderr, 'base64').toString('utf8'));
      }
    });
    ws.on('close', () => {
      clearInterval(ping);
      resolve(outcome);
    });
    ctx.io.abort.signal.addEventListener('abort', () => ws.terminate(), { once: true });
  });
}

async function run(ctx: CommandContext): Promise<void> {
  const target = await loadTarget(ctx);
  const container = await findContainer(ctx, target);
  const command = [...ctx.positional, ...ctx.passthrough];
  const defaultShell = command.length === 0;
  const spec = {
    path: defaultShell ? 'bash' : command[0],
    args: command.length > 1 ? command.slice(1) : null,
    env: [`TERM=${ctx.io.env.TERM ?? ''}`],
    dir: container.working_directory ?? '',
    privileged: true,
    user: container.user ?? '',
    tty: null,
  };
  let outcome = await hijack(ctx, target, container, spec);
  if (outcome.executableNotFound && defaultShell) {
    ctx.io.eprint('\rCouldn\'t find "bash" on container, retrying with "sh"\n\r');
    outcome = await hijack(ctx, target, container, { ...spec, path: 'sh' });
  }
  throw new FlyExit(outcome.exitStatus);
}

export const interceptCommand: Command = {
  name: 'intercept',
  aliases: ['hijack', 'i'],
  flags: [
    { long: 'job', short: 'j', kind: 'string' },
    { long: 'handle', kind: 'string' },
    { long: 'check', short: 'c', kind: 'string' },
    { long: 'build', short: 'b', kind: 'string' },
    { long: 'step', short: 's', kind: 'string' },
    { long: 'step-type', kind: 'string' },
    { long: 'attempt', short: 'a', kind: 'string' },
    TEAM_FLAG,
  ],
  run,
};
