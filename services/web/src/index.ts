// The web service: seeds the main team, serves the API, and runs the build engine, the scheduler
// and the resource checker in this process.
import { seedMainTeam } from './auth/seed-teams.ts';
import { startResourceChecker } from './checker/index.ts';
import type { WebContext } from './context.ts';
import { startBuildEngine } from './engine/index.ts';
import { startScheduler } from './scheduler/index.ts';
import { createApiApp, startHttpServer } from './server.ts';

export { createApiApp, startHttpServer } from './server.ts';
export type { WebContext, WebSettings, LocalUser } from './context.ts';
export { RecentBuildEvents } from './events/recent-build-events.ts';
export { authSettingsFromFlags, type AuthFlagValues } from './auth/auth-flags.ts';

export async function startWeb(ctx: WebContext): Promise<{ port: number; close(): Promise<void> }> {
  await seedMainTeam(ctx);
  const server = await startHttpServer(ctx, createApiApp(ctx));
  const engine = await startBuildEngine(ctx);
  const scheduler = await startScheduler(ctx);
  const checker = await startResourceChecker(ctx);
  ctx.logger.info({ port: server.port }, 'web-started');

  return {
    port: server.port,
    async close() {
      await checker.stop();
      await scheduler.stop();
      await engine.stop();
      await server.close();
      ctx.logger.info('web-stopped');
    },
  };
}
