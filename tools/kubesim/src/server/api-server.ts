// The HTTPS server: bearer-token authentication on every request, then the API router or the
// exec upgrader; failures become Status responses in one place.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { ExecUpgrader } from '../exec/exec-upgrade.ts';
import { rejectUpgrade } from '../exec/exec-upgrade.ts';
import type { Logger } from '../logger.ts';
import { routeApiRequest, type ApiContext } from './api-router.ts';
import { sendError } from './http-io.ts';
import { StatusError } from './status-error.ts';
import type { TlsMaterial } from './tls.ts';

function isAuthorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const unauthorized = (): StatusError => new StatusError('Unauthorized', 'Unauthorized');

export function createApiServer(
  ctx: ApiContext,
  exec: ExecUpgrader,
  token: string,
  tls: TlsMaterial,
  logger: Logger,
): Server {
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const started = Date.now();
    res.on('finish', () => {
      logger.debug(
        { method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - started },
        'api-request',
      );
    });
    if (!isAuthorized(req, token)) return sendError(res, unauthorized());
    routeApiRequest(req, res, ctx).catch((error: unknown) => {
      if (!(error instanceof StatusError))
        logger.error({ err: error, url: req.url }, 'api-request-failed');
      sendError(res, error);
    });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    try {
      if (!isAuthorized(req, token)) throw unauthorized();
      exec.handle(req, socket, head);
    } catch (error) {
      logger.debug({ err: error, url: req.url }, 'exec-upgrade-rejected');
      rejectUpgrade(socket, error);
    }
  });
  return server;
}
