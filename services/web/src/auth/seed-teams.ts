// At startup the `main` team's owners come from `--main-team-local-user`, as in Concourse.
import type { WebContext } from '../context.ts';
import { ADMIN_TEAM } from './roles.ts';

export async function seedMainTeam(ctx: WebContext): Promise<void> {
  const auth = {
    owner: { users: ctx.settings.mainTeamLocalUsers.map((u) => `local:${u}`), groups: [] },
  };
  await ctx.pool.query(
    `INSERT INTO teams (name, auth, is_admin) VALUES ($1, $2, true)
     ON CONFLICT (name) DO UPDATE SET auth = excluded.auth, is_admin = true`,
    [ADMIN_TEAM, JSON.stringify(auth)],
  );
}
