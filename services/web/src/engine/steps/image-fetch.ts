// A step's image, fetched as Concourse fetches it: the image's check (unless its version is given)
// and get run as sub-steps of the step, under `<id>/image-check` and `<id>/image-get`, in a scope
// of their own; the step then runs in the image that get produced.
import type { ImagePlan, Plan } from '@jetbridge/pipeline';
import { ArtifactRepository } from '../plan/artifacts.ts';
import { StepError, StepStoppedError, type Outcome } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { runCheckStep } from './check-step.ts';
import { runImageGetStep } from './image-get-step.ts';
import { baseTypeImage, imageFromGet, type StepImage } from './images.ts';

export interface ImageFetch {
  getPlan: Plan;
  checkPlan?: Plan;
  /** The step runs privileged (a custom type's `privileged`, a task's own flag). */
  privileged: boolean;
}

function stopIfStopped(scope: Scope, outcome: Outcome): void {
  if (scope.cancel.reason || outcome === 'aborted') {
    throw new StepStoppedError('the image fetch was stopped');
  }
}

/** Runs the image's check and get; throws StepError when either does not succeed. */
export async function fetchImage(
  run: BuildRun,
  scope: Scope,
  fetch: ImageFetch,
): Promise<StepImage> {
  const local: Scope = { ...scope, artifacts: new ArtifactRepository(scope.artifacts) };
  if (fetch.checkPlan) {
    const checked = await runCheckStep(run, local, fetch.checkPlan);
    stopIfStopped(scope, checked.outcome);
    if (checked.outcome !== 'succeeded') throw new StepError('image check failed');
  }
  const got = await runImageGetStep(run, local, fetch.getPlan);
  stopIfStopped(scope, got.outcome);
  if (got.outcome !== 'succeeded') throw new StepError('image fetching failed');

  const get = fetch.getPlan.get!;
  const name = get.name ?? '';
  const fetched = got.result.image ?? got.result.artifacts?.[name]?.image;
  if (fetched) return { ref: fetched.ref, env: fetched.env, privileged: fetch.privileged };
  // Not an image: computing it again says why.
  const image = imageFromGet({
    type: get.type,
    baseType: get.image.base_type,
    source: get.source,
    params: get.params,
    version: got.result.version,
    runsIn: got.result.job
      ? { ref: got.result.job.image.ref, env: got.result.job.image.env ?? [], privileged: false }
      : undefined,
  });
  return { ...image, privileged: fetch.privileged };
}

/** The image a get, put or check of a resource of `type` runs in. */
export async function resourceStepImage(
  run: BuildRun,
  scope: Scope,
  image: ImagePlan | undefined,
  type: string,
): Promise<StepImage> {
  const privileged = image?.privileged === true;
  if (!image?.get_plan) {
    return { ref: baseTypeImage(image?.base_type ?? type), env: [], privileged };
  }
  return fetchImage(run, scope, {
    getPlan: image.get_plan,
    ...(image.check_plan ? { checkPlan: image.check_plan } : {}),
    privileged,
  });
}
