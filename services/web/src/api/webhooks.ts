// POST {R}/check/webhook?webhook_token=...: whoever holds a resource's webhook token (its `((vars))`
// resolved as in the resource's source) asks for a check now, without logging in. The answer is
// the check build, as for `fly check-resource`; a burst of calls shares one waiting check.
import { createHash, timingSafeEqual } from 'node:crypto';
import { BadRequestError, UnauthorizedError } from '@jetbridge/api-types';
import { inTransaction } from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { CheckSetupError, requestCheck, resolvePipelineVars } from '../checker/index.ts';
import { findBuild } from './lookup.ts';
import { presentBuild } from './present/build.ts';
import { findResource } from './resources.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The resource's token with vars resolved; null when it has none or a var is undefined. */
function configuredToken(req: ApiRequest, raw: string | undefined): string | null {
  if (!raw) return null;
  const pipeline = req.pipeline!;
  try {
    const token = resolvePipelineVars(
      (pipeline.config ?? {}) as PipelineConfig,
      raw,
      pipeline.instance_vars,
    );
    return typeof token === 'string' || typeof token === 'number' ? String(token) : null;
  } catch (err) {
    if (err instanceof CheckSetupError) return null;
    throw err;
  }
}

export async function checkResourceWebhook(req: ApiRequest): Promise<Response> {
  const given = req.query.get('webhook_token') ?? '';
  if (given === '') throw new BadRequestError('missing webhook_token');
  const resource = await findResource(req);
  const expected = configuredToken(
    req,
    (resource.config as { webhook_token?: string }).webhook_token,
  );
  if (expected === null || !sameToken(given, expected)) {
    req.log.info({ resource: resource.name }, 'webhook-token-rejected');
    throw new UnauthorizedError();
  }

  const target = {
    kind: 'resource' as const,
    id: resource.id,
    name: resource.name,
    type: resource.type,
    teamId: req.team!.id,
    pipelineId: req.pipeline!.id,
  };
  const buildId = await inTransaction(req.ctx.pool, (db) =>
    requestCheck(db, target, { shallow: true, reusePending: true }),
  );
  req.log.info({ build_id: buildId, resource: resource.name }, 'webhook-check-requested');
  return json(201, presentBuild((await findBuild(req.ctx.pool, buildId))!));
}
