// At startup the `main` team's members come from the `--main-team-*` flags, as in Concourse: the
// flags are the truth for `main` and overwrite what `fly set-team` stored there.
import type { TeamAuth } from '@jetbridge/api-types';
import type { WebContext } from '../context.ts';
import { mainTeamAuth } from './main-team.ts';
import { ADMIN_TEAM } from './roles.ts';

function configuredAuth(ctx: WebContext): TeamAuth {
  const configured =
    ctx.settings.auth?.mainTeam ??
    mainTeamAuth({
      localUsers: ctx.settings.mainTeamLocalUsers,
      oidcUsers: [],
      oidcGroups: [],
      githubUsers: [],
      githubOrgs: [],
      githubTeams: [],
    });
  // A role with no users and no groups would let everyone in: an unconfigured main team admits
  // nobody instead.
  const auth: TeamAuth = {};
  for (const [role, members] of Object.entries(configured)) {
    if ((members?.users?.length ?? 0) > 0 || (members?.groups?.length ?? 0) > 0) {
      auth[role] = members;
    }
  }
  if (Object.keys(auth).length === 0) ctx.logger.warn('main-team-has-no-members');
  return auth;
}

export async function seedMainTeam(ctx: WebContext): Promise<void> {
  await ctx.pool.query(
    `INSERT INTO teams (name, auth, is_admin) VALUES ($1, $2, true)
     ON CONFLICT (name) DO UPDATE SET auth = excluded.auth, is_admin = true`,
    [ADMIN_TEAM, JSON.stringify(configuredAuth(ctx))],
  );
}
