// Retries calls to the Kubernetes API that failed for a reason that passes (connection reset,
// conflict on update, throttling, server errors), with exponential backoff and a bound.
import { ApiException } from '@kubernetes/client-node';

export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isTransient(err: unknown): boolean {
  const status = statusCodeOf(err);
  if (status !== undefined) return status === 429 || status >= 500;
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } })?.code ??
    (err as { cause?: { code?: unknown } })?.cause?.code;
  return (
    typeof code === 'string' &&
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(
      code,
    )
  );
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  /** Also retry these errors (for example a 409 on update). */
  alsoRetry?: (err: unknown) => boolean;
}

export async function withRetry<T>(call: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      const retryable = isTransient(err) || (opts.alsoRetry?.(err) ?? false);
      if (!retryable || attempt >= attempts) throw err;
      const delay = Math.min(5000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
