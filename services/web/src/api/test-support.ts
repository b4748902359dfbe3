// A real database, an in-process bus and the API app, for the API's integration tests.
import bcrypt from 'bcryptjs';
import { Bus, MemoryTransport } from '@jetbridge/bus';
import { createPool, createTestDatabase, Wakeups, type Pool } from '@jetbridge/db';
import { createRegistry, silentLogger } from '@jetbridge/telemetry';
import type { Hono } from 'hono';
import { issueLocalUserToken } from '../auth/issue-token.ts';
import { seedMainTeam } from '../auth/seed-teams.ts';
import type { WebContext } from '../context.ts';
import { RecentBuildEvents } from '../events/recent-build-events.ts';
import { createApiApp } from '../server.ts';

export const PASSWORD = 'sekrit';

/** Local users and their role on team `t` (admin owns `main`, carol owns `other`). */
export const teamRoles = {
  olive: 'owner',
  mia: 'member',
  pete: 'pipeline-operator',
  vic: 'viewer',
} as const;

export interface TestApi {
  ctx: WebContext;
  app: Hono;
  pool: Pool;
  /** `Authorization` header value for a local user. */
  auth(username: string): Promise<string>;
  request(path: string, init?: RequestInit & { as?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const db = await createTestDatabase('jetbridge_web_api');
  const pool = createPool(db.settings);
  const wakeups = new Wakeups(pool, db.settings);
  await wakeups.start();
  const users = ['admin', 'carol', ...Object.keys(teamRoles)];
  const ctx: WebContext = {
    settings: {
      bindIp: '127.0.0.1',
      bindPort: 0,
      externalUrl: 'http://jetbridge.test',
      clusterName: 'test',
      namespace: 'ci',
      localUsers: users.map((username) => ({
        username,
        // One user with a bcrypt hash (cost 4 keeps the test fast), the rest in plain text.
        password: username === 'carol' ? bcrypt.hashSync(PASSWORD, 4) : PASSWORD,
      })),
      mainTeamLocalUsers: ['admin'],
      authDurationMs: 60 * 60 * 1000,
      buildLeaseMs: 30_000,
    },
    pool,
    wakeups,
    bus: new Bus(new MemoryTransport()),
    logger: silentLogger(),
    registry: createRegistry('web-test'),
    replicaId: 'test',
    recentEvents: new RecentBuildEvents(),
  };
  await seedMainTeam(ctx);
  const roleAuth: Record<string, { users: string[]; groups: string[] }> = {};
  for (const [user, role] of Object.entries(teamRoles)) {
    roleAuth[role] = { users: [`local:${user}`], groups: [] };
  }
  await pool.query('INSERT INTO teams (name, auth) VALUES ($1, $2), ($3, $4)', [
    't',
    JSON.stringify(roleAuth),
    'other',
    JSON.stringify({ owner: { users: ['local:carol'], groups: [] } }),
  ]);

  const app = createApiApp(ctx);
  const tokens = new Map<string, string>();
  const auth = async (username: string) => {
    let token = tokens.get(username);
    if (!token) {
      token = (await issueLocalUserToken(ctx, username)).token;
      tokens.set(username, token);
    }
    return `Bearer ${token}`;
  };

  return {
    ctx,
    app,
    pool,
    auth,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.as) headers.set('Authorization', await auth(init.as));
      return app.request(path, { ...init, headers });
    },
    async close() {
      await ctx.bus.close();
      await wakeups.close();
      await pool.end();
      await db.drop();
    },
  };
}

export const simplePipeline = `
resources:
- name: repo
  type: mock
  source: {}
jobs:
- name: unit
  plan:
  - get: repo
    trigger: true
  - task: test
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run: {path: echo, args: [hi]}
`;

export async function setPipeline(
  api: TestApi,
  path: string,
  yaml = simplePipeline,
  version = '',
  as = 'admin',
): Promise<Response> {
  return api.request(`${path}/config`, {
    method: 'PUT',
    as,
    body: yaml,
    headers: { 'Content-Type': 'application/x-yaml', 'X-Concourse-Config-Version': version },
  });
}
