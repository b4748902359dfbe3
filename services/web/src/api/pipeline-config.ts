// set-pipeline's two calls: GET {P}/config and PUT {P}/config (parse, validate, store, warn).
import {
  BadRequestError,
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@jetbridge/api-types';
import { channels, inTransaction } from '@jetbridge/db';
import {
  instanceVarsFromQuery,
  parsePipeline,
  validateIdentifier,
  validatePipeline,
  type ConfigWarning,
} from '@jetbridge/pipeline';
import { CONFIG_BODY_LIMIT, readBody } from './body.ts';
import { checkPipelineNameAddressable } from './pipeline-name.ts';
import { savePipelineConfig } from './pipeline-store.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

const CONFIG_TYPES = new Set(['application/x-yaml', 'application/json']);

export async function getPipelineConfig(req: ApiRequest): Promise<Response> {
  const pipeline = req.pipeline!;
  if (pipeline.archived || pipeline.config === null) {
    throw new NotFoundError(`pipeline '${pipeline.name}' has no config`);
  }
  return json(
    200,
    { config: pipeline.config },
    {
      'X-Concourse-Config-Version': pipeline.config_version,
    },
  );
}

function expectedVersion(header: string | null): bigint {
  const value = (header ?? '').trim();
  if (value === '') return 0n;
  if (!/^\d+$/.test(value)) {
    throw new BadRequestError(`config version is malformed: '${value}' is not a number`);
  }
  return BigInt(value);
}

/** The identifier rule on a name being saved: errors reject, warnings are returned. */
function checkIdentifier(value: string, context: string, warnings: ConfigWarning[]): void {
  const result = validateIdentifier(value, context);
  if (typeof result === 'string') throw new BadRequestError(result);
  if (result) warnings.push(result);
}

export async function savePipelineConfigRoute(req: ApiRequest): Promise<Response> {
  const contentType = (req.request.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!CONFIG_TYPES.has(contentType)) {
    throw new UnsupportedMediaTypeError(
      `unsupported content type '${contentType}'; send application/x-yaml or application/json`,
    );
  }
  const version = expectedVersion(req.request.headers.get('x-concourse-config-version'));
  const body = await readBody(req.request, CONFIG_BODY_LIMIT);
  const instanceVars = instanceVarsFromQuery(req.query);

  const warnings: ConfigWarning[] = [];
  checkIdentifier(req.params.pipeline_name!, 'pipeline', warnings);
  checkPipelineNameAddressable(req.params.pipeline_name!);
  checkIdentifier(req.team!.name, 'team', warnings);

  const config = parsePipeline(body);
  const validation = validatePipeline(config);
  if (validation.errors.length > 0) throw new ValidationError('config', validation.errors);
  warnings.push(...validation.warnings);

  const saved = await inTransaction(req.ctx.pool, (db) =>
    savePipelineConfig(db, {
      teamId: req.team!.id,
      name: req.params.pipeline_name!,
      instanceVars,
      config,
      expectedVersion: version,
    }),
  );
  req.log.info({ pipeline_id: saved.id, created: saved.created }, 'pipeline-config-saved');
  await req.ctx.wakeups.notify(channels.schedule, String(saved.id));
  await req.ctx.wakeups.notify(channels.checks, '');

  return json(saved.created ? 201 : 200, warnings.length > 0 ? { warnings } : {});
}
