// `fly login` with the password grant (header attempt, then form attempt) and team verification.
import type { Command, CommandContext } from '../context.ts';
import { loadTargets, writeTargets } from '../flyrc.ts';
import { Target } from '../target.ts';
import { sendRequest } from '../http.ts';
import type { HttpResponse } from '../http.ts';
import { encodeQuery } from '../go-url.ts';
import { readFile } from 'node:fs/promises';

const SCOPE = 'openid profile email federated:id groups';

function parseTokenResponse(res: HttpResponse): { type: string; value: string } {
  const text = res.body.toString('utf8');
  const mediaType = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  let fields: Record<string, unknown>;
  if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'text/plain') {
    fields = Object.fromEntries(new URLSearchParams(text));
  } else {
    try {
      fields = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      if (res.statusCode < 200 || res.statusCode > 299) fields = {};
      else throw new Error(`oauth2: cannot parse json: ${(err as Error).message}`);
    }
  }
  const code = typeof fields.error === 'string' ? fields.error : '';
  if (res.statusCode < 200 || res.statusCode > 299 || code !== '') {
    if (code !== '') {
      let message = `oauth2: "${code}"`;
      if (typeof fields.error_description === 'string' && fields.error_description !== '') {
        message += ` "${fields.error_description}"`;
      }
      throw new Error(message);
    }
    throw new Error(`oauth2: cannot fetch token: ${res.status}\nResponse: ${text}`);
  }
  const value = typeof fields.access_token === 'string' ? fields.access_token : '';
  if (value === '') throw new Error('oauth2: server response missing access_token');
  return { type: typeof fields.token_type === 'string' ? fields.token_type : '', value };
}

async function passwordGrant(target: Target, username: string, password: string) {
  const url = `${target.url}/sky/issuer/token`;
  const form: Array<[string, string]> = [
    ['grant_type', 'password'],
    ['username', username],
    ['password', password],
    ['scope', SCOPE],
  ];
  const send = (extra: Array<[string, string]>, headers: Record<string, string>) =>
    sendRequest({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: encodeQuery([...form, ...extra]),
      insecure: target.insecure,
      caCert: target.caCert,
      signal: target.io.abort.signal,
    });
  try {
    const basic = Buffer.from(
      `${encodeURIComponent('fly')}:${encodeURIComponent('Zmx5')}`,
    ).toString('base64');
    return parseTokenResponse(await send([], { Authorization: `Basic ${basic}` }));
  } catch {
    return parseTokenResponse(
      await send(
        [
          ['client_id', 'fly'],
          ['client_secret', 'Zmx5'],
        ],
        {},
      ),
    );
  }
}

async function run(ctx: CommandContext): Promise<void> {
  const { io, flags } = ctx;
  if (!ctx.targetName) throw new Error('name for the target must be specified (--target/-t)');
  const caCertPath = flags.str('ca-cert');
  const caCert = caCertPath ? await readFile(caCertPath, 'utf8') : undefined;

  const targets = await loadTargets(io.home);
  const stored = targets[ctx.targetName];
  const apiUrl = flags.str('concourse-url');
  if (apiUrl === undefined && stored === undefined)
    throw new Error(`unknown target: ${ctx.targetName}`);
  const team =
    flags.str('team-name') || (apiUrl === undefined ? stored?.team : undefined) || 'main';
  const insecure = flags.bool('insecure') || (apiUrl === undefined && (stored?.insecure ?? false));
  const target = new Target(io, ctx.targetName, {
    api: apiUrl ?? stored?.api ?? '',
    team,
    insecure,
    ca_cert: caCert ?? (apiUrl === undefined ? stored?.ca_cert : undefined),
  });

  io.print(`logging in to team '${team}'\n\n`);
  if (ctx.positional.length !== 0)
    throw new Error(`unexpected argument [${ctx.positional.join(', ')}]`);
  await target.validate();

  const username = flags.str('username') ?? '';
  const password = flags.str('password') ?? '';
  if (username === '' || password === '') {
    throw new Error('the protocol client supports only the password grant (-u and -p)');
  }
  const token = await passwordGrant(target, username, password);
  io.println('');

  const verify = new Target(io, 'verify', {
    api: target.url,
    team,
    insecure,
    token,
    ca_cert: target.caCert,
  });
  const user = await verify.json<{ is_admin?: boolean; teams?: Record<string, unknown> | null }>(
    'GET',
    '/api/v1/user',
  );
  if (!user.is_admin) {
    if (user.teams === undefined || user.teams === null)
      throw new Error('unable to verify role on team');
    if (!(team in user.teams))
      throw new Error(`you are not a member of '${team}' or the team does not exist`);
  } else {
    const teams = await verify.json<Array<{ name: string }> | null>('GET', '/api/v1/teams');
    if (!(teams ?? []).some((t) => t.name === team)) {
      throw new Error(`you are not a member of '${team}' or the team does not exist`);
    }
  }

  const fresh = await loadTargets(io.home);
  fresh[ctx.targetName] = {
    ...fresh[ctx.targetName],
    api: target.url,
    team,
    insecure,
    token,
    ...(target.caCert ? { ca_cert: target.caCert } : { ca_cert: undefined }),
  };
  await writeTargets(io.home, fresh);
  io.println('target saved');
}

export const loginCommand: Command = {
  name: 'login',
  aliases: ['l'],
  flags: [
    { long: 'concourse-url', short: 'c', kind: 'string' },
    { long: 'insecure', short: 'k', kind: 'bool' },
    { long: 'username', short: 'u', kind: 'string' },
    { long: 'password', short: 'p', kind: 'string' },
    { long: 'team-name', short: 'n', kind: 'string' },
    { long: 'ca-cert', kind: 'string' },
    { long: 'open-browser', short: 'b', kind: 'bool' },
  ],
  run,
};
