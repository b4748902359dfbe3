// Reaches the artifact store: the bus says where a replica of `artifacts` listens, tars move over
// HTTP as streams.
import { Readable } from 'node:stream';
import { artifactLocate, type Bus } from '@jetbridge/bus';

export class ArtifactStoreError extends Error {
  override name = 'ArtifactStoreError';
}

export class ArtifactStoreClient {
  readonly #bus: Bus;

  constructor(bus: Bus) {
    this.#bus = bus;
  }

  async #url(key: string): Promise<string> {
    const { url } = await this.#bus.request('artifacts', 'locate', artifactLocate, { v: 1 });
    return `${url}/artifacts/${encodeURIComponent(key)}`;
  }

  /** The tar stored under `key`, as a stream. */
  async download(key: string): Promise<Readable> {
    const response = await fetch(await this.#url(key));
    if (!response.ok || !response.body) {
      throw new ArtifactStoreError(`artifact ${key}: ${response.status} ${await reason(response)}`);
    }
    return Readable.fromWeb(response.body as never);
  }

  /** Streams `body` into the store under `key`; the store keeps it only if all of it arrived. */
  async upload(key: string, body: Readable): Promise<{ bytes: number }> {
    const response = await fetch(await this.#url(key), {
      method: 'PUT',
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (!response.ok) {
      throw new ArtifactStoreError(`storing ${key} failed: ${await reason(response)}`);
    }
    return (await response.json()) as { bytes: number };
  }
}

async function reason(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    return text || response.statusText;
  }
}
