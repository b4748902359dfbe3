// An OpenID provider behind a certificate from a private CA: web reaches it only when it is
// given the CA with --oidc-ca-cert (or told to skip verification), as Concourse's flags do.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOpenIdProvider, type OpenIdProvider } from './support/openid-provider.ts';
import { replicaPorts, startWebReplicas, type WebReplicas } from './support/web-replicas.ts';

/** A CA and a certificate it signs for 127.0.0.1, made with openssl. */
function makeCertificates(dir: string): void {
  const openssl = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  ]);
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1" > ext.cnf'], { cwd: dir });
  openssl([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem',
  ]);
}

describe('an OpenID provider with a private CA', () => {
  let dir: string;
  let provider: OpenIdProvider;
  let trusting: WebReplicas;
  let plain: WebReplicas;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jb-auth-tls-'));
    makeCertificates(dir);
    const [trustingPort, plainPort] = await replicaPorts(2);
    provider = await startOpenIdProvider({
      redirectUris: [trustingPort, plainPort].map((p) => `http://127.0.0.1:${p}/sky/callback`),
      accounts: {},
      tls: {
        key: await readFile(join(dir, 'server.key'), 'utf8'),
        cert: await readFile(join(dir, 'server.pem'), 'utf8'),
      },
    });
    const args = (port: number, extra: string[]) => () => [
      '--external-url',
      `http://127.0.0.1:${port}`,
      '--main-team-local-user',
      'admin',
      '--oidc-issuer',
      provider.issuer,
      '--oidc-client-id',
      provider.clientId,
      '--oidc-client-secret',
      provider.clientSecret,
      ...extra,
    ];
    [trusting, plain] = await Promise.all([
      startWebReplicas({
        ports: [trustingPort!],
        args: args(trustingPort!, ['--oidc-ca-cert', join(dir, 'ca.pem')]),
      }),
      startWebReplicas({ ports: [plainPort!], args: args(plainPort!, []) }),
    ]);
  });
  after(async () => {
    await Promise.all([trusting?.stop(), plain?.stop()]);
    await provider?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends the browser to the provider when given its CA', async () => {
    const res = await fetch(`${trusting.urls[0]}/sky/login/oidc`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.ok(res.headers.get('location')!.startsWith(`${provider.issuer}/auth?`));
  });

  it('refuses a provider whose certificate it cannot verify, saying so', async () => {
    const res = await fetch(`${plain.urls[0]}/sky/login/oidc`, { redirect: 'manual' });
    assert.equal(res.status, 502);
    assert.match(await res.text(), /OIDC cannot be reached/);
    // The log line travels through the process's stdout pipe and may arrive after the response.
    await plain.processes[0]!.waitFor(/login-provider-unavailable/, 10_000);
  });

  it('logs that web started once per replica', () => {
    assert.equal(plain.logs().match(/"msg":"web-started"/g)?.length, 1, plain.logs());
  });
});
