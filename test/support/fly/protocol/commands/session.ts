// logout, status, userinfo and targets: the commands about the stored token.
import type { Command, CommandContext } from '../context.ts';
import { loadTarget } from '../context.ts';
import { loadTargets, writeTargets } from '../flyrc.ts';
import type { TargetProps } from '../flyrc.ts';
import { Target } from '../target.ts';
import { sendRequest } from '../http.ts';
import { renderTable } from '../table.ts';

async function logoutOne(ctx: CommandContext, name: string, props: TargetProps): Promise<void> {
  const token = props.token;
  if (token && token.value !== '') {
    const target = new Target(ctx.io, name, props);
    const res = await sendRequest({
      method: 'GET',
      url: `${target.url}/sky/logout`,
      headers: { Cookie: `skymarshal_auth="${token.type} ${token.value}"` },
      insecure: target.insecure,
      caCert: target.caCert,
      signal: ctx.io.abort.signal,
    });
    if (res.statusCode !== 200) throw new Error(`failed to logout: ${res.status}`);
  }
  if (props.token) props.token = { type: '', value: '' };
}

export const logoutCommand: Command = {
  name: 'logout',
  aliases: ['o'],
  flags: [{ long: 'all', short: 'a', kind: 'bool' }],
  async run(ctx) {
    const targets = await loadTargets(ctx.io.home);
    if (ctx.targetName && !ctx.flags.bool('all')) {
      const props = targets[ctx.targetName];
      if (props === undefined) throw new Error(`unknown target: ${ctx.targetName}`);
      await logoutOne(ctx, ctx.targetName, props);
      await writeTargets(ctx.io.home, targets);
      ctx.io.println('logged out of target: ' + ctx.targetName);
    } else if (!ctx.targetName && ctx.flags.bool('all')) {
      for (const [name, props] of Object.entries(targets)) await logoutOne(ctx, name, props);
      await writeTargets(ctx.io.home, targets);
      ctx.io.println('logged out of all targets');
    } else {
      throw new Error('must specify either --target or --all');
    }
  },
};

export const statusCommand: Command = {
  name: 'status',
  flags: [],
  async run(ctx) {
    const target = await Target.load(ctx.io, ctx.targetName);
    if (!target.token || target.token.value === '') {
      ctx.io.println('logged out');
      return;
    }
    try {
      await target.json('GET', '/api/v1/user');
    } catch (err) {
      throw new Error(
        `please login again.\n\ntoken validation failed with error: ${(err as Error).message}`,
      );
    }
    ctx.io.println('logged in successfully');
  },
};

export const userinfoCommand: Command = {
  name: 'userinfo',
  flags: [{ long: 'json', kind: 'bool' }],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const user = await target.json<{ display_user_id?: string; teams?: Record<string, string[]> }>(
      'GET',
      '/api/v1/user',
    );
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(user, null, '  '));
      return;
    }
    const roles = Object.entries(user.teams ?? {})
      .flatMap(([team, rs]) => rs.map((r) => `${team}/${r}`))
      .sort();
    renderTable(
      ctx.io,
      ['username', 'team/role'],
      [[user.display_user_id ?? '', roles.join(',')]],
      ctx.printTableHeaders,
    );
  },
};

/** fly's reading of an opaque Concourse token: 28 bytes, expiry little-endian at 20..27. */
function tokenExpiry(props: TargetProps): string {
  if (!props.token || props.token.value === '') return 'n/a';
  const bytes = Buffer.from(props.token.value.replace(/=+$/, ''), 'base64');
  if (bytes.length !== 28 || bytes.toString('base64').replace(/=+$/, '') !== props.token.value) {
    return 'n/a: invalid token';
  }
  const seconds = Number(bytes.readBigUInt64LE(20));
  return new Date(seconds * 1000).toUTCString().replace('GMT', 'UTC');
}

export const targetsCommand: Command = {
  name: 'targets',
  aliases: ['ts'],
  flags: [],
  async run(ctx) {
    const targets = await loadTargets(ctx.io.home);
    const rows = Object.entries(targets)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, props]) => [name, props.api, props.team, tokenExpiry(props)]);
    renderTable(ctx.io, ['name', 'url', 'team', 'expiry'], rows, ctx.printTableHeaders);
  },
};
