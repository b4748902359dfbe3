// `fly execute` artifacts: `-i` uploads (gzip tars) streamed into the artifact store as plain tars,
// and `-o` downloads streamed back out gzip-compressed. Nothing is buffered: memory stays flat
// whatever the artifact's size.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { BadRequestError, NotFoundError, PayloadTooLargeError } from '@jetbridge/api-types';
import { artifactLocate } from '@jetbridge/bus';
import { json, text } from './respond.ts';
import type { ApiRequest } from './route-table.ts';
import { idParam } from './ids.ts';

class ArtifactTooLargeError extends PayloadTooLargeError {
  constructor(limitBytes: number) {
    super(limitBytes);
    this.message = `artifact is larger than the limit of ${limitBytes} bytes (--max-artifact-size)`;
  }
}

async function storeUrl(req: ApiRequest, key: string): Promise<string> {
  const { url } = await req.ctx.bus.request('artifacts', 'locate', artifactLocate, { v: 1 });
  return `${url}/artifacts/${key}`;
}

function parseStoreError(body: string): { error: string; limit_bytes?: number } {
  try {
    return JSON.parse(body) as { error: string; limit_bytes?: number };
  } catch {
    return { error: body || 'no answer' };
  }
}

async function storeError(response: Response): Promise<{ error: string; limit_bytes?: number }> {
  return parseStoreError(await response.text());
}

interface StoreReply {
  status: number;
  body: string;
}

function isZlibError(err: unknown): boolean {
  return (
    typeof (err as { code?: unknown })?.code === 'string' &&
    /^Z_/.test((err as { code: string }).code)
  );
}

/**
 * Streams the upload, inflated, to the artifact store with node streams end to end, so a
 * fast sender (or a gzip that inflates a small upload into gigabytes) waits for the store instead
 * of filling memory. The store's answer wins, even when it cuts the upload short (413); a bad gzip
 * rejects with the zlib error; a lost connection rejects.
 */
function putToStore(url: string, upload: Readable, inflate: Transform): Promise<StoreReply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(url, { method: 'PUT' }, (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk.slice(0, 4096 - body.length)));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, body }));
      response.on('error', reject);
    });
    request.on('error', (err) => {
      if (!answered) reject(err);
    });
    pipeline(upload, inflate, request).catch((err: unknown) => {
      if (isZlibError(err)) reject(err);
    });
  });
}

export async function createArtifact(req: ApiRequest): Promise<Response> {
  const body = req.request.body;
  if (!body) throw new BadRequestError('the artifact upload has no body');
  const key = `upload-${randomBytes(16).toString('hex')}`;
  const url = await storeUrl(req, key);

  const gunzip = createGunzip();
  let stored: StoreReply;
  try {
    stored = await putToStore(url, Readable.fromWeb(body as never), gunzip);
  } catch (err) {
    if (isZlibError(err)) {
      throw new BadRequestError(
        `the upload is not a gzip-compressed tar: ${(err as Error).message}`,
      );
    }
    req.log.warn({ err, key }, 'artifact-upload-failed');
    return text(
      502,
      'the artifact store failed during the upload; nothing was stored, retry the upload\n',
    );
  }
  if (stored.status === 413) {
    throw new ArtifactTooLargeError(parseStoreError(stored.body).limit_bytes ?? 0);
  }
  if (stored.status === 422 || stored.status === 400) {
    throw new BadRequestError(
      `the upload is not a usable tar: ${parseStoreError(stored.body).error}`,
    );
  }
  if (stored.status < 200 || stored.status >= 300) {
    req.log.warn({ status: stored.status, key }, 'artifact-upload-failed');
    return text(
      502,
      `the artifact store refused the upload: ${parseStoreError(stored.body).error}\n`,
    );
  }

  const row = await req.ctx.pool.query<{ id: number; created_at: Date }>(
    'INSERT INTO artifacts (team_id, store_key) VALUES ($1, $2) RETURNING id, created_at',
    [req.team!.id, key],
  );
  const { id, created_at } = row.rows[0]!;
  req.log.info({ artifact_id: id, key }, 'artifact-uploaded');
  return json(201, {
    id,
    name: '',
    build_id: 0,
    created_at: Math.floor(created_at.getTime() / 1000),
  });
}

export async function getArtifact(req: ApiRequest): Promise<Response> {
  const id = idParam(req.params.artifact_id ?? '', 'artifact id');
  const found =
    id !== null
      ? await req.ctx.pool.query<{ store_key: string }>(
          'SELECT store_key FROM artifacts WHERE id = $1 AND team_id = $2',
          [id, req.team!.id],
        )
      : { rows: [] };
  const key = found.rows[0]?.store_key;
  if (!key) throw new NotFoundError(`artifact ${req.params.artifact_id} not found`);

  const stored = await fetch(await storeUrl(req, key));
  if (stored.status === 404) throw new NotFoundError(`artifact ${id} is no longer stored`);
  if (!stored.ok || !stored.body) {
    return text(502, `the artifact store failed: ${(await storeError(stored)).error}\n`);
  }
  const gzip = createGzip();
  pipeline(Readable.fromWeb(stored.body as never), gzip).catch((err: unknown) => {
    req.log.warn({ err, key }, 'artifact-download-failed');
  });
  return new Response(Readable.toWeb(gzip) as ReadableStream, {
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
}
