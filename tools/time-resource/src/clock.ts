// The current time, overridable with JETBRIDGE_TIME_NOW (RFC 3339) so behaviour can be tested
// at any instant without waiting.
import { parseRfc3339 } from './zoned-time.ts';

export function currentTimeNs(env: NodeJS.ProcessEnv = process.env): bigint {
  if (env.JETBRIDGE_TIME_NOW) return parseRfc3339(env.JETBRIDGE_TIME_NOW).ns;
  const subMillisecond = BigInt(Math.floor((performance.now() % 1) * 1_000_000));
  return BigInt(Date.now()) * 1_000_000n + subMillisecond;
}
