// fly bound to one home directory and one target, for the execution tests.
import { fly, type FlyResult } from '../support/fly/index.ts';

export type FlyAs = (...args: string[]) => Promise<FlyResult>;

export function flyAs(home: string, target = 'local', timeoutMs = 180_000): FlyAs {
  return (...args: string[]) => fly(['-t', target, ...args], { home, timeoutMs });
}
