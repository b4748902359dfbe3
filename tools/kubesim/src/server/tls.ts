// A self-signed certificate for 127.0.0.1, made once per data dir: kubectl only sends bearer
// tokens over TLS, so the API is served over https with this certificate as the kubeconfig's CA.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export function ensureServingCertificate(dataDir: string): TlsMaterial {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const staging = `.${process.pid}`;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-nodes',
        '-days',
        '3650',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-keyout',
        keyPath + staging,
        '-out',
        certPath + staging,
        '-subj',
        '/CN=kubesim',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,digitalSignature,keyCertSign',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      { stdio: 'ignore' },
    );
    renameSync(keyPath + staging, keyPath);
    renameSync(certPath + staging, certPath);
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
}
