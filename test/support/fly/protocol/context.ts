// What every command gets: its parsed flags, the output, and target loading with fly's checks.
import type { FlyIO } from './io.ts';
import type { FlagSpec, Flags } from './flags.ts';
import { Target } from './target.ts';
import { FlyExit, ForbiddenError, ResourceNotFoundError } from './errors.ts';

export interface CommandContext {
  io: FlyIO;
  targetName: string | undefined;
  flags: Flags;
  positional: string[];
  passthrough: string[];
  printTableHeaders: boolean;
}

export interface Command {
  name: string;
  aliases?: string[];
  flags: FlagSpec[];
  run(ctx: CommandContext): Promise<void>;
}

export const TEAM_FLAG: FlagSpec = { long: 'team', kind: 'string' };

/** rc.LoadTarget + target.Validate + the optional `--team` lookup (FindTeam). */
export async function loadTarget(ctx: CommandContext): Promise<Target> {
  const target = await Target.load(ctx.io, ctx.targetName);
  await target.validate();
  const team = ctx.flags.str('team');
  if (team !== undefined && team !== '') await findTeam(target, team);
  return target;
}

/** target.FindTeam: GET the team, with fly's texts for 403 and 404; the target then uses it. */
export async function findTeam(target: Target, team: string): Promise<void> {
  try {
    await target.json('GET', '/api/v1/teams/:team_name', { params: { team_name: team } });
  } catch (err) {
    if (err instanceof ForbiddenError) throw new Error(`you do not have a role on team '${team}'`);
    if (err instanceof ResourceNotFoundError) throw new Error(`team '${team}' does not exist`);
    throw err;
  }
  target.team = team;
}

export function requireFlag(ctx: CommandContext, long: string): string {
  const value = ctx.flags.str(long);
  if (value === undefined) throw new Error(`the required flag \`--${long}' was not specified`);
  return value;
}

/** displayhelpers.Failf: the message on stderr and exit status 1. */
export function fail(ctx: CommandContext, message: string): never {
  ctx.io.eprint(`${message}\n`);
  throw new FlyExit(1);
}
