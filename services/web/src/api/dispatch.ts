// Serves the route table: match, identify the caller, authorize, run the handler, and map any
// error to Concourse's response in one place.
import type { Logger } from '@jetbridge/telemetry';
import { expireSessionOnUnauthorized } from '../auth/browser-session.ts';
import { identifyRequest } from '../auth/caller.ts';
import type { WebContext } from '../context.ts';
import { authorize } from './authorize.ts';
import { errorResponse } from './error-response.ts';
import { matchRoute } from './match-route.ts';
import { json } from './respond.ts';
import type { ApiRequest, Route } from './route-table.ts';

export type Prepared =
  { ok: true; route: Route; req: ApiRequest } | { ok: false; response: Response };

const notFound = () => json(404, { errors: [{ detail: 'resource not found' }] });

/** Everything up to the handler: shared by plain requests and websocket upgrades. */
export async function prepareRequest(
  ctx: WebContext,
  routes: readonly Route[],
  request: Request,
  log: Logger,
): Promise<Prepared> {
  const url = new URL(request.url);
  const match = matchRoute(routes, request.method, url.pathname);
  if (!match) return { ok: false, response: notFound() };

  try {
    const caller = await identifyRequest(ctx, request);
    const req: ApiRequest = {
      ctx,
      request,
      params: match.params,
      query: url.searchParams,
      caller,
      log,
      team: null,
      pipeline: null,
      build: null,
    };
    await authorize(match.route, req);
    return { ok: true, route: match.route, req };
  } catch (err) {
    return { ok: false, response: errorResponse(err, log) };
  }
}

export async function dispatch(
  ctx: WebContext,
  routes: readonly Route[],
  request: Request,
): Promise<Response> {
  const log = ctx.logger.child({ method: request.method, path: new URL(request.url).pathname });
  const prepared = await prepareRequest(ctx, routes, request, log);
  if (!prepared.ok) return expireSessionOnUnauthorized(request, prepared.response);
  try {
    return await prepared.route.handler(prepared.req);
  } catch (err) {
    return errorResponse(err, log);
  }
}
