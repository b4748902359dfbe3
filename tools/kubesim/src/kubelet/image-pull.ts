// The image "pull": nothing is downloaded, but the catalog's verdict is reported like a kubelet's.
import { setTimeout as delay } from 'node:timers/promises';
import type { ImageCatalog, ImageSpec } from './images.ts';
import type { PodEvent } from './events.ts';

export interface PullReporter {
  report(event: PodEvent): void;
  wait(reason: string, message: string): void;
  isCancelled(): boolean;
}

const backOffDelayMs = 1000;

// Resolves to the image's spec, or undefined when the container can never start.
export async function pullImage(
  catalog: ImageCatalog,
  image: string,
  reporter: PullReporter,
): Promise<ImageSpec | undefined> {
  const lookup = catalog.lookup(image);
  if (!lookup.ok) {
    const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
    reporter.wait('InvalidImageName', message);
    reporter.report({ type: 'Warning', reason: 'InspectFailed', message });
    reporter.report({ type: 'Warning', reason: 'Failed', message: 'Error: InvalidImageName' });
    return undefined;
  }
  if (lookup.spec.kind !== 'unpullable') {
    reporter.report({
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image "${image}" already present on machine`,
    });
    return lookup.spec;
  }

  const failure = `Failed to pull image "${image}": rpc error: code = NotFound desc = ${
    lookup.spec.reason ?? `failed to pull and unpack image "${image}": not found`
  }`;
  reporter.report({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` });
  reporter.wait('ErrImagePull', failure);
  reporter.report({ type: 'Warning', reason: 'Failed', message: failure });
  reporter.report({ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' });
  await delay(backOffDelayMs, undefined, { ref: false });
  if (reporter.isCancelled()) return undefined;
  reporter.wait('ImagePullBackOff', `Back-off pulling image "${image}"`);
  reporter.report({
    type: 'Normal',
    reason: 'BackOff',
    message: `Back-off pulling image "${image}"`,
  });
  reporter.report({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' });
  return undefined;
}
