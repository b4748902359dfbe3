// A pipeline name must stay addressable by fly, which splits `-p` at `/` (instance vars) and
// never escapes it, so a `/` would create a pipeline no fly command can reach.
import { BadRequestError } from '@jetbridge/api-types';

export function checkPipelineNameAddressable(name: string): void {
  if (name.includes('/')) throw new BadRequestError("pipeline name cannot contain '/'");
}
