// Request bodies are read with a bound, so a huge upload fails with 413 instead of filling memory.
import { BadRequestError, PayloadTooLargeError } from '@jetbridge/api-types';

export const CONFIG_BODY_LIMIT = 20 * 1024 * 1024;
export const SMALL_BODY_LIMIT = 1024 * 1024;

export async function readBody(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  if (!request.body) return new Uint8Array();

  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJson<T>(request: Request, limitBytes = SMALL_BODY_LIMIT): Promise<T> {
  const body = await readBody(request, limitBytes);
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as T;
  } catch {
    throw new BadRequestError('request body is not valid JSON');
  }
}

/** A JSON body that must be an object (`null`, a list or a number is a 400, not a crash). */
export async function readJsonObject<T extends object>(
  request: Request,
  limitBytes = SMALL_BODY_LIMIT,
): Promise<Partial<T>> {
  const value = await readJson<unknown>(request, limitBytes);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('request body must be a JSON object');
  }
  return value as Partial<T>;
}
