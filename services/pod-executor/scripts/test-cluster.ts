// Runs the pod runtime suite against a real cluster: `KUBECONFIG=~/.kube/config
// npm run test:cluster -w @jetbridge/pod-executor`. The namespace (JETBRIDGE_TEST_NAMESPACE,
// default `default`) must let the kubeconfig's user create, watch, exec into and delete pods.
// Tests that need kubesim's failure hooks skip themselves; without KUBECONFIG nothing runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const suite = [
  'src/executor.test.ts',
  'src/lifecycle.test.ts',
  'src/startup.test.ts',
  'src/streams.test.ts',
  'src/transient-errors.test.ts',
];

const kubeconfig = process.env.KUBECONFIG?.split(':')[0];
if (!kubeconfig) {
  console.log(
    'test:cluster skipped: set KUBECONFIG to the cluster to run the pod runtime suite on',
  );
  process.exit(0);
}

const root = join(import.meta.dirname, '..');
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-timeout=600000', ...suite],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, JETBRIDGE_TEST_KUBECONFIG: kubeconfig },
  },
);
process.exit(result.status ?? 1);
