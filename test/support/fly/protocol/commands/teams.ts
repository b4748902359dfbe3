// Team commands: teams, get-team, set-team, destroy-team, rename-team.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { validateIdentifier } from '@jetbridge/pipeline';
import type { Command, CommandContext } from '../context.ts';
import { fail, loadTarget } from '../context.ts';
import { FlyExit, ForbiddenError } from '../errors.ts';
import { isNotFound } from '../target.ts';
import { renderTable } from '../table.ts';
import { ask, confirm } from '../prompt.ts';
import { showWarnings } from './set-pipeline.ts';

const TEAM = '/api/v1/teams/:team_name';
type Auth = Record<string, { users?: string[] | null; groups?: string[] | null }>;

interface Team {
  id?: number;
  name: string;
  auth?: Auth | null;
}

function authRows(team: Team): string[][] {
  return Object.entries(team.auth ?? {}).map(([role, auth]) => {
    const users = auth.users ?? [];
    const groups = auth.groups ?? [];
    let usersCell = users.join(',');
    if (users.length === 0) usersCell = groups.length === 0 ? 'all' : 'none';
    return [`${team.name}/${role}`, usersCell, groups.length > 0 ? groups.join(',') : 'none'];
  });
}

function byFirstCell(a: string[], b: string[]): number {
  const x = a[0] as string;
  const y = b[0] as string;
  return x < y ? -1 : x > y ? 1 : 0;
}

export const teamsCommand: Command = {
  name: 'teams',
  aliases: ['t'],
  flags: [
    { long: 'json', kind: 'bool' },
    { long: 'details', short: 'd', kind: 'bool' },
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const teams = (await target.json<Team[] | null>('GET', '/api/v1/teams')) ?? [];
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(teams, null, '  '));
      return;
    }
    const details = ctx.flags.bool('details');
    const rows = details ? teams.flatMap(authRows) : teams.map((t) => [t.name]);
    rows.sort(byFirstCell);
    const headers = details ? ['name/role', 'users', 'groups'] : ['name'];
    renderTable(ctx.io, headers, rows, ctx.printTableHeaders);
  },
};

export const getTeamCommand: Command = {
  name: 'get-team',
  aliases: ['gt'],
  flags: [
    { long: 'team-name', short: 'n', kind: 'string', required: true },
    { long: 'json', short: 'j', kind: 'bool' },
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    let team: Team;
    try {
      team = await target.json<Team>('GET', TEAM, {
        params: { team_name: ctx.flags.str('team-name') as string },
      });
    } catch (err) {
      if (isNotFound(err)) throw new Error('team not found');
      throw err;
    }
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(team, null, '  '));
      return;
    }
    const rows = authRows(team).sort(byFirstCell);
    renderTable(ctx.io, ['name/role', 'users', 'groups'], rows, ctx.printTableHeaders);
  },
};

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [];
}

/** skycmd's AuthTeamFlags.Format: flags give the owner role, a config file any roles. */
async function authFromFlags(ctx: CommandContext): Promise<Auth | null> {
  const configPath = ctx.flags.str('config');
  if (configPath !== undefined) {
    const doc = parse(await readFile(configPath, 'utf8')) as { roles?: unknown[] } | null;
    const auth: Auth = {};
    for (const raw of doc?.roles ?? []) {
      const role = raw as Record<string, unknown>;
      const users: string[] = [];
      const groups: string[] = [];
      for (const [connector, value] of Object.entries(role)) {
        if (connector === 'name' || typeof value !== 'object' || value === null) continue;
        const conf = value as Record<string, unknown>;
        for (const u of list(conf.users))
          if (u !== '') users.push(`${connector}:${u.toLowerCase()}`);
        if (connector === 'local') continue;
        const groupKeys = Object.keys(conf).filter((k) => k !== 'users');
        for (const key of groupKeys) {
          for (const g of list(conf[key]))
            if (g !== '') groups.push(`${connector}:${g.toLowerCase()}`);
        }
      }
      if (users.length === 0 && groups.length === 0) continue;
      auth[String(role.name)] = { users, groups };
    }
    return auth;
  }
  const users = ctx.flags
    .list('local-user')
    .filter((u) => u !== '')
    .map((u) => `local:${u.toLowerCase()}`);
  if (users.length === 0) return null;
  return { owner: { users, groups: [] } };
}

export const setTeamCommand: Command = {
  name: 'set-team',
  aliases: ['st'],
  flags: [
    { long: 'team-name', short: 'n', kind: 'string', required: true },
    { long: 'non-interactive', kind: 'bool' },
    { long: 'local-user', kind: 'list' },
    { long: 'config', short: 'c', kind: 'string' },
  ],
  async run(ctx) {
    const teamName = ctx.flags.str('team-name') as string;
    const warnings: Array<{ type: string; message: string }> = [];
    const nameCheck = validateIdentifier(teamName, 'team');
    if (typeof nameCheck === 'string') throw new Error(nameCheck);
    if (nameCheck) warnings.push(nameCheck);
    const target = await loadTarget(ctx);
    const auth = await authFromFlags(ctx);
    if (auth === null) {
      ctx.io.eprintln('error: ErrAuthNotConfiguredFromFlags');
      throw new FlyExit(1);
    }
    const { io } = ctx;
    io.println(`setting team: ${teamName}`);
    for (const role of Object.keys(auth).sort()) {
      const { users, groups } = auth[role] as { users: string[]; groups: string[] };
      io.println('');
      io.println(`role ${role}:`);
      io.println('  users:');
      if (users.length > 0) for (const u of users) io.println(`  - ${u}`);
      else io.println('    none');
      io.println('');
      io.println('  groups:');
      if (groups.length > 0) for (const g of groups) io.println(`  - ${g}`);
      else io.println('    none');
    }
    if (warnings.length > 0) showWarnings(io, warnings);
    if (!ctx.flags.bool('non-interactive') && !confirm(io, '\napply team configuration?')) {
      fail(ctx, 'bailing out');
    }
    const { result, response } = await target.call<{ warnings?: typeof warnings | null } | null>(
      'PUT',
      TEAM,
      {
        params: { team_name: teamName },
        body: `${JSON.stringify({ auth })}\n`,
        contentType: 'application/json',
      },
    );
    if ((result?.warnings ?? []).length > 0) showWarnings(io, result?.warnings ?? []);
    io.println(response.statusCode === 201 ? 'team created' : 'team updated');
  },
};

export const destroyTeamCommand: Command = {
  name: 'destroy-team',
  aliases: ['dt'],
  flags: [
    { long: 'team-name', short: 'n', kind: 'string', required: true },
    { long: 'non-interactive', kind: 'bool' },
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const teamName = ctx.flags.str('team-name') as string;
    ctx.io.print(`!!! this will remove all data for team \`${teamName}\`\n\n`);
    if (!ctx.flags.bool('non-interactive')) {
      if (ask(ctx.io, 'please type the team name to confirm') !== teamName) {
        throw new Error('incorrect team name; bailing out');
      }
    }
    try {
      await target.json('DELETE', TEAM, {
        params: { team_name: teamName },
        contentType: 'application/json',
      });
    } catch (err) {
      if (!(err instanceof ForbiddenError)) throw err;
      ctx.io.println('');
      ctx.io.println(`could not destroy \`${teamName}\``);
      ctx.io.println('');
      ctx.io.println('either your team is not an admin or it is the last admin team');
      throw new FlyExit(1);
    }
    ctx.io.println('');
    ctx.io.println(`\`${teamName}\` deleted`);
  },
};

export const renameTeamCommand: Command = {
  name: 'rename-team',
  aliases: ['rt'],
  flags: [
    { long: 'old-name', short: 'o', kind: 'string', required: true },
    { long: 'new-name', short: 'n', kind: 'string', required: true },
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const oldName = ctx.flags.str('old-name') as string;
    const newName = ctx.flags.str('new-name') as string;
    try {
      await target.json('PUT', `${TEAM}/rename`, {
        params: { team_name: oldName },
        body: JSON.stringify({ name: newName }),
        contentType: 'application/json',
      });
    } catch (err) {
      if (isNotFound(err)) fail(ctx, `Team '${oldName}' not found\n`);
      throw err;
    }
    ctx.io.println(`Team successfully renamed to ${newName}`);
  },
};
