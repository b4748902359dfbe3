// Keys of tars in the artifact store that more than one service derives: the pod-executor writes a
// step's archived output under this key and web names it as the next step's input.
import { createHash } from 'node:crypto';

export function archivedOutputKey(handle: string, outputName: string): string {
  const name = createHash('sha256').update(outputName).digest('hex').slice(0, 16);
  return `out-${handle}-${name}`;
}
