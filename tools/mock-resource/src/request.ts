// Reads stdin and decodes it, failing the way upstream mock does on a bad payload.
import { fatal } from './logrus.ts';
import { decodePayload, PayloadError, type StructShape } from './payload.ts';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readRequest<T>(shape: StructShape): Promise<T> {
  try {
    return decodePayload(await readStdin(), shape) as T;
  } catch (err) {
    if (err instanceof PayloadError) fatal(`invalid payload: ${err.message}`);
    throw err;
  }
}
