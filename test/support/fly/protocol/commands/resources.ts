// Resource commands: check-resource(-type), resource-versions, pin/unpin, enable/disable version.
import type { Command, CommandContext } from '../context.ts';
import { fail, loadTarget, TEAM_FLAG } from '../context.ts';
import { instanceVarsQuery, parseJobFlag, pipelineRefString } from '../refs.ts';
import type { JobRef } from '../refs.ts';
import type { Target } from '../target.ts';
import { isNotFound } from '../target.ts';
import { UnexpectedResponseError } from '../errors.ts';
import { renderTable } from '../table.ts';
import { goJsonMap, parseVersionFlag } from '../go-format.ts';
import { watchBuild } from './builds.ts';
import type { Build } from './builds.ts';

const PIPELINE = '/api/v1/teams/:team_name/pipelines/:pipeline_name';
const RESOURCE = `${PIPELINE}/resources/:resource_name`;
const RESOURCE_FLAG = { long: 'resource', short: 'r', kind: 'string', required: true } as const;

interface ResourceVersion {
  id: number;
  version: Record<string, string>;
  enabled: boolean;
}

/** A `pipeline[/vars]/resource` flag; the JobRef's `job` holds the resource name. */
function resourceRef(ctx: CommandContext, long = 'resource'): JobRef {
  return parseJobFlag(ctx.flags.str(long) as string, 'resource');
}

async function resourceOpts(target: Target, ref: JobRef) {
  return {
    params: {
      team_name: target.team,
      pipeline_name: ref.pipeline.name,
      resource_name: ref.job,
    } as Record<string, string>,
    query: await instanceVarsQuery(ref.pipeline),
  };
}

function display(ref: JobRef): string {
  return `${pipelineRefString(ref.pipeline)}/${ref.job}`;
}

function checkCommand(name: string, long: string, route: string, what: string): Command {
  return {
    name,
    aliases: [name === 'check-resource' ? 'cr' : 'crt'],
    flags: [
      { long, short: 'r', kind: 'string', required: true },
      { long: 'from', short: 'f', kind: 'string' },
      { long: 'async', short: 'a', kind: 'bool' },
      { long: 'shallow', kind: 'bool' },
      TEAM_FLAG,
    ],
    async run(ctx) {
      const ref = resourceRef(ctx, long);
      const from = ctx.flags.str('from');
      const version = from === undefined ? null : parseVersionFlag(from);
      const target = await loadTarget(ctx);
      const opts = await resourceOpts(target, ref);
      opts.params = { ...opts.params, [route]: ref.job };
      let build: Build;
      try {
        build = await target.json<Build>('POST', `${PIPELINE}/${what}/:${route}/check`, {
          ...opts,
          body: JSON.stringify({ from: version, shallow: ctx.flags.bool('shallow') }),
          contentType: 'application/json',
        });
      } catch (err) {
        if (isNotFound(err)) {
          const kind = what === 'resources' ? 'resource' : 'resource-type';
          throw new Error(
            `pipeline '${pipelineRefString(ref.pipeline)}' or ${kind} '${ref.job}' not found\n`,
          );
        }
        if (err instanceof UnexpectedResponseError && err.statusCode === 500) {
          throw new Error(err.body);
        }
        throw err;
      }
      ctx.io.println(`checking ${display(ref)} in build ${build.id}`);
      if (ctx.flags.bool('async')) return;
      await watchBuild(ctx, target, build.id);
    },
  };
}

export const checkResourceCommand = checkCommand(
  'check-resource',
  'resource',
  'resource_name',
  'resources',
);
export const checkResourceTypeCommand = checkCommand(
  'check-resource-type',
  'resource-type',
  'resource_type_name',
  'resource-types',
);

export const resourceVersionsCommand: Command = {
  name: 'resource-versions',
  aliases: ['rvs'],
  flags: [
    { long: 'count', short: 'c', kind: 'string' },
    RESOURCE_FLAG,
    { long: 'json', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const ref = resourceRef(ctx);
    const count = Number.parseInt(ctx.flags.str('count') ?? '50', 10);
    const target = await loadTarget(ctx);
    const opts = await resourceOpts(target, ref);
    let versions: ResourceVersion[] = [];
    try {
      versions =
        (await target.json<ResourceVersion[] | null>('GET', `${RESOURCE}/versions`, {
          ...opts,
          query: [
            ...(count > 0 ? [['limit', String(count)] as [string, string]] : []),
            ...opts.query,
          ],
        })) ?? [];
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(versions, null, '  '));
      return;
    }
    const rows = versions.slice(0, Math.max(count, 0)).map((v) => [
      String(v.id),
      Object.entries(v.version ?? {})
        .map(([k, val]) => `${k}:${val}`)
        .sort()
        .join(','),
      v.enabled ? 'yes' : 'no',
    ]);
    renderTable(ctx.io, ['id', 'version', 'enabled'], rows, ctx.printTableHeaders);
  },
};

/** GetLatestResourceVersion: the newest version matching every `filter=k:v`. */
async function latestVersion(
  target: Target,
  ref: JobRef,
  version: Record<string, string>,
): Promise<ResourceVersion> {
  const opts = await resourceOpts(target, ref);
  const filters = Object.entries(version)
    .map(([k, v]) => ['filter', `${k}:${v}`] as [string, string])
    .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  let versions: ResourceVersion[] = [];
  try {
    versions =
      (await target.json<ResourceVersion[] | null>('GET', `${RESOURCE}/versions`, {
        ...opts,
        query: [...filters, ...opts.query],
      })) ?? [];
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const first = versions[0];
  if (first === undefined) throw new Error(`could not find version matching ${goJsonMap(version)}`);
  return first;
}

/** PUT on a version or resource route: true when done, false on 404. */
async function put(target: Target, ref: JobRef, route: string, extra: Record<string, string> = {}) {
  const opts = await resourceOpts(target, ref);
  try {
    await target.json('PUT', route, { ...opts, params: { ...opts.params, ...extra } });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export const pinResourceCommand: Command = {
  name: 'pin-resource',
  aliases: ['pr'],
  flags: [
    RESOURCE_FLAG,
    { long: 'version', short: 'v', kind: 'string' },
    { long: 'comment', short: 'c', kind: 'string' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const ref = resourceRef(ctx);
    const versionFlag = ctx.flags.str('version');
    const comment = ctx.flags.str('comment') ?? '';
    const version = versionFlag === undefined ? undefined : parseVersionFlag(versionFlag);
    const target = await loadTarget(ctx);
    if (version === undefined && comment === '') {
      throw new Error("the required flag `-v, --version' was not specified");
    }
    if (version !== undefined) {
      const latest = await latestVersion(target, ref, version);
      const id = String(latest.id);
      if (await put(target, ref, `${RESOURCE}/versions/:version_id/pin`, { version_id: id })) {
        ctx.io.println(`pinned '${display(ref)}' with version ${goJsonMap(latest.version)}`);
      } else {
        fail(ctx, `could not pin '${display(ref)}', make sure the resource exists\n`);
      }
    }
    if (comment !== '') {
      const opts = await resourceOpts(target, ref);
      let saved = true;
      try {
        await target.json('PUT', `${RESOURCE}/pin_comment`, {
          ...opts,
          body: `${JSON.stringify({ pin_comment: comment })}\n`,
          contentType: 'application/json',
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        saved = false;
      }
      if (!saved) fail(ctx, `could not save comment, make sure '${display(ref)}' is pinned\n`);
      ctx.io.println(`pin comment '${comment}' is saved`);
    }
  },
};

export const unpinResourceCommand: Command = {
  name: 'unpin-resource',
  aliases: ['ur'],
  flags: [RESOURCE_FLAG, TEAM_FLAG],
  async run(ctx) {
    const ref = resourceRef(ctx);
    const target = await loadTarget(ctx);
    if (await put(target, ref, `${RESOURCE}/unpin`)) {
      ctx.io.println(`unpinned '${display(ref)}'`);
    } else {
      fail(ctx, `could not find resource '${display(ref)}'\n`);
    }
  },
};

function toggleVersion(name: string, alias: string, enable: boolean): Command {
  const verb = enable ? 'enable' : 'disable';
  return {
    name,
    aliases: [alias],
    flags: [
      RESOURCE_FLAG,
      { long: 'version', short: 'v', kind: 'string', required: true },
      TEAM_FLAG,
    ],
    async run(ctx) {
      const ref = resourceRef(ctx);
      const version = parseVersionFlag(ctx.flags.str('version') as string);
      const target = await loadTarget(ctx);
      const latest = await latestVersion(target, ref, version);
      let done = latest.enabled === enable;
      if (!done) {
        done = await put(target, ref, `${RESOURCE}/versions/:version_id/${verb}`, {
          version_id: String(latest.id),
        });
      }
      if (!done) {
        fail(ctx, `could not ${verb} '${display(ref)}', make sure the resource version exists\n`);
      }
      ctx.io.println(`${verb}d '${display(ref)}' with version ${goJsonMap(latest.version)}`);
    },
  };
}

export const enableResourceVersionCommand = toggleVersion('enable-resource-version', 'erv', true);
export const disableResourceVersionCommand = toggleVersion(
  'disable-resource-version',
  'drv',
  false,
);
