// The kubeconfig kubesim writes for kubectl and client libraries.
import { writeFileSync } from 'node:fs';

export function writeKubeconfig(
  path: string,
  server: string,
  caCertificate: Buffer,
  token: string,
  namespace: string,
): void {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubesim',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${caCertificate.toString('base64')}`,
    'users:',
    '- name: kubesim',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: kubesim',
    '  context:',
    '    cluster: kubesim',
    '    user: kubesim',
    `    namespace: ${namespace}`,
    'current-context: kubesim',
    'preferences: {}',
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
}
