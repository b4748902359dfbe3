// The `main` team's members from Concourse's `--main-team-*` flags or a team config file in
// `fly set-team -c` format. Flags give the owner role; a config file may give any roles.
import { parse } from 'yaml';
import type { TeamAuth } from '@jetbridge/api-types';
import { roleRank } from './roles.ts';

export interface MainTeamFlags {
  localUsers: string[];
  oidcUsers: string[];
  oidcGroups: string[];
  githubUsers: string[];
  githubOrgs: string[];
  githubTeams: string[];
  /** The text of `--main-team-config`, when given. */
  config?: string;
}

export class MainTeamConfigError extends Error {
  override name = 'MainTeamConfigError';
}

const prefixed = (connector: string, values: unknown): string[] =>
  (Array.isArray(values) ? values : [])
    .map((v) => String(v))
    .filter((v) => v !== '')
    .map((v) => `${connector}:${v.toLowerCase()}`);

/** Parses a team config: `roles: [{name, local: {users}, oidc: {users, groups}, github: ...}]`. */
export function teamAuthFromConfig(text: string): TeamAuth {
  const doc = parse(text) as { roles?: unknown } | null;
  if (!doc || !Array.isArray(doc.roles)) {
    throw new MainTeamConfigError('team config: expected a list under `roles`');
  }
  const auth: TeamAuth = {};
  for (const raw of doc.roles as Array<Record<string, unknown>>) {
    const role = String(raw?.name ?? '');
    if (!(role in roleRank)) throw new MainTeamConfigError(`team config: unknown role '${role}'`);
    const users: string[] = [];
    const groups: string[] = [];
    for (const [connector, conf] of Object.entries(raw)) {
      if (connector === 'name' || conf === null || typeof conf !== 'object') continue;
      for (const [key, values] of Object.entries(conf as Record<string, unknown>)) {
        if (key === 'users') users.push(...prefixed(connector, values));
        else groups.push(...prefixed(connector, values));
      }
    }
    if (users.length > 0 || groups.length > 0) auth[role] = { users, groups };
  }
  if (Object.keys(auth).length === 0) {
    throw new MainTeamConfigError('team config: no role has a user or a group');
  }
  return auth;
}

/** The main team's auth; throws when flags and a config file are both given, as Concourse does. */
export function mainTeamAuth(flags: MainTeamFlags): TeamAuth {
  const users = [
    ...prefixed('local', flags.localUsers),
    ...prefixed('oidc', flags.oidcUsers),
    ...prefixed('github', flags.githubUsers),
  ];
  const groups = [
    ...prefixed('oidc', flags.oidcGroups),
    ...prefixed('github', flags.githubOrgs),
    ...prefixed('github', flags.githubTeams),
  ];
  if (flags.config !== undefined) {
    if (users.length > 0 || groups.length > 0) {
      throw new MainTeamConfigError(
        '--main-team-config cannot be combined with other --main-team-* flags: use one or the other',
      );
    }
    return teamAuthFromConfig(flags.config);
  }
  return { owner: { users, groups } };
}
