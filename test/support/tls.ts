/**
 * Test certificates made with the real `openssl` CLI (Debian's openssl package; the test
 * fails with the install hint when it is missing, it never skips):
 *
 * - `ca`:        a self-signed test root (PEM) — pass it as an extra CA to trust the others;
 * - `valid`:     a leaf for 127.0.0.1 / localhost signed by `ca`, valid now;
 * - `expired`:   a leaf for 127.0.0.1 / localhost signed by `ca`, expired in 2020;
 * - `wrongHost`: a leaf for `other.example` signed by `ca` (hostname mismatch on 127.0.0.1);
 * - `selfSigned`: a self-signed leaf for 127.0.0.1 that no CA vouches for.
 *
 * createTestCertificates() generates them once per process into a temp dir (a second call
 * returns the same set). Keys are throwaway test keys, never used outside tests.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface KeyPair {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
}

export interface TestCertificates {
  /** The directory holding the files (`ca.pem`, `valid.pem`, …); removed with the OS temp dir. */
  readonly dir: string;
  readonly ca: KeyPair;
  readonly valid: KeyPair;
  readonly expired: KeyPair;
  readonly wrongHost: KeyPair;
  readonly selfSigned: KeyPair;
  /** Absolute path of the CA certificate PEM (for SSL_CERT_FILE). */
  readonly caFile: string;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 60_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(
          new Error('openssl is not installed: run `apt-get install -y openssl` (test/support/tls.ts needs it)'),
        );
      }
      reject(new Error(`openssl ${args.join(' ')} failed: ${stderr}`));
    });
  });
}

let cached: Promise<TestCertificates> | undefined;

/** createTestCertificates generates (once per process) the certificate set described above. */
export function createTestCertificates(): Promise<TestCertificates> {
  return (cached ??= generate());
}

async function generate(): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-tls-'));
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  // Root CA.
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      ...subj('modrescue test CA'),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const ext = (names: string) =>
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${names}\n`;
  await writeFile(path.join(dir, 'local.ext'), ext('IP:127.0.0.1,DNS:localhost'));
  await writeFile(path.join(dir, 'other.ext'), ext('DNS:other.example'));

  const leaf = async (name: string, cn: string, extFile: string) => {
    await openssl(
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, ...subj(cn)],
      dir,
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '825',
        '-extfile',
        extFile,
      ],
      dir,
    );
  };
  await leaf('valid', '127.0.0.1', 'local.ext');
  await leaf('wronghost', 'other.example', 'other.ext');

  // Expired: `openssl ca` is the CLI that sets explicit validity dates.
  await writeFile(path.join(dir, 'index.txt'), '');
  await writeFile(path.join(dir, 'serial'), '1000\n');
  await writeFile(
    path.join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = testca',
      '[testca]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'serial = $dir/serial',
      'new_certs_dir = $dir',
      'certificate = $dir/ca.pem',
      'private_key = $dir/ca.key',
      'default_md = sha256',
      'policy = anything',
      'copy_extensions = none',
      'unique_subject = no',
      '[anything]',
      'commonName = supplied',
      '[leaf]',
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  await openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'expired.key', '-out', 'expired.csr', ...subj('127.0.0.1')],
    dir,
  );
  await openssl(
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-extensions',
      'leaf',
      '-in',
      'expired.csr',
      '-out',
      'expired.pem',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
      '-notext',
    ],
    dir,
  );

  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'self.key',
      '-out',
      'self.pem',
      '-days',
      '825',
      ...subj('127.0.0.1'),
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    dir,
  );

  const pair = async (name: string): Promise<KeyPair> => ({
    cert: await readFile(path.join(dir, `${name}.pem`), 'utf8'),
    key: await readFile(path.join(dir, `${name}.key`), 'utf8'),
  });
  return {
    dir,
    ca: await pair('ca'),
    valid: await pair('valid'),
    expired: await pair('expired'),
    wrongHost: await pair('wronghost'),
    selfSigned: await pair('self'),
    caFile: path.join(dir, 'ca.pem'),
  };
}
