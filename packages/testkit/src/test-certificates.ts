import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A certificate and its private key, as PEM text and as files. */
export interface TestCertificate {
  /** PEM of the certificate. */
  readonly cert: string;
  /** PEM of the private key (PKCS #8, unencrypted). */
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A throwaway certificate authority with a server and a client certificate it signed. */
export interface TestCertificates {
  /** PEM of the CA certificate: what a client passes as `ca` to trust the server. */
  readonly ca: string;
  readonly caFile: string;
  /** For the server: valid for 127.0.0.1, ::1 and localhost. */
  readonly server: TestCertificate;
  /** For a client, when the server asks for one (`tls-auth-clients`). */
  readonly client: TestCertificate;
}

const VALID_DAYS = '7';

// Our own config file, so nothing depends on the machine's openssl.cnf, and only the
// openssl commands LibreSSL has as well (`req -new -key`, `x509 -req -extfile`): the keys come
// from Node.
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = sess testkit
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
`;

/**
 * Makes a CA, a server and a client certificate in `dir` with the `openssl` command (EC P-256
 * keys from Node). For tests only: the keys are unencrypted and the CA key sits next to them.
 */
export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'openssl.cnf');
  await writeFile(config, CONFIG);
  const caKey = await writeKey(join(dir, 'ca.key'));
  const caFile = join(dir, 'ca.crt');
  await openssl([
    'req',
    '-x509',
    '-new',
    '-config',
    config,
    '-extensions',
    'ca',
    '-key',
    caKey,
    '-subj',
    '/CN=sess testkit CA',
    '-days',
    VALID_DAYS,
    '-out',
    caFile,
  ]);
  const sign = async (name: 'server' | 'client', subject: string): Promise<TestCertificate> => {
    const keyFile = await writeKey(join(dir, `${name}.key`));
    const request = join(dir, `${name}.csr`);
    const certFile = join(dir, `${name}.crt`);
    await openssl(['req', '-new', '-config', config, '-key', keyFile, '-subj', subject]).then(
      (csr) => writeFile(request, csr),
    );
    await openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      caFile,
      '-CAkey',
      caKey,
      '-set_serial',
      `0x${Date.now().toString(16)}${name === 'server' ? '01' : '02'}`,
      '-days',
      VALID_DAYS,
      '-extfile',
      config,
      '-extensions',
      name,
      '-out',
      certFile,
    ]);
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return { cert, key, certFile, keyFile };
  };
  const [server, client] = await Promise.all([
    sign('server', '/CN=127.0.0.1'),
    sign('client', '/CN=sess testkit client'),
  ]);
  return { ca: await readFile(caFile, 'utf8'), caFile, server, client };
}

async function writeKey(path: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writeFile(path, privateKey, { mode: 0o600 });
  return path;
}

/** Runs `openssl` and resolves with what it printed on stdout. */
function openssl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new Error(
          missing
            ? 'TLS test certificates need the openssl command, which is not on PATH: install it, e.g. `apt-get install openssl` (Debian/Ubuntu) or `brew install openssl` (macOS)'
            : `openssl ${args[0]} failed: ${stderr.trim() || error.message}`,
        ),
      );
    });
  });
}
