import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A throwaway certificate chain made with openssl at test time (no key is
 * ever committed): a root CA, an intermediate and a leaf named like Apple's
 * installer-signing certificates, with the Developer ID Installer extended
 * key usage (1.2.840.113635.100.4.13).
 */
export interface TestPki {
  dir: string;
  leafKey: string;
  /** DER, leaf first. */
  chain: Buffer[];
  leaf: X509Certificate;
  /** Detached CMS SignedData over `content`, signed by the leaf, as DER. */
  cms(content: Buffer, digest?: string): Buffer;
  /** A second, unrelated key (for signatures that must not verify). */
  otherKey: string;
  cleanup(): void;
}

export const LEAF_SUBJECT = 'Developer ID Installer: Test (ABCDE12345)';

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(
    file('ca.ext'),
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  writeFileSync(
    file('leaf.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,1.2.840.113635.100.4.13\n',
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-days',
    '3650',
    '-subj',
    '/C=US/O=Test Root Org/OU=Test Certification Authority/CN=Test Root CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'inter.key',
    '-out',
    'inter.csr',
    '-subj',
    '/C=US/O=Test Root Org/OU=G2/CN=Test Developer ID Certification Authority',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'inter.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-set_serial',
    '2',
    '-days',
    '1825',
    '-out',
    'inter.pem',
    '-extfile',
    'ca.ext',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    `/UID=ABCDE12345/CN=${LEAF_SUBJECT}/OU=ABCDE12345/O=Test/C=US`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'inter.pem',
    '-CAkey',
    'inter.key',
    '-set_serial',
    '0x0a1b2c3d',
    '-days',
    '365',
    '-out',
    'leaf.pem',
    '-extfile',
    'leaf.ext',
  );
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'other.key');
  const der = (name: string) => new X509Certificate(readFileSync(file(name))).raw;
  const chain = [der('leaf.pem'), der('inter.pem'), der('root.pem')];
  let counter = 0;
  return {
    dir,
    leafKey: readFileSync(file('leaf.key'), 'utf8'),
    otherKey: readFileSync(file('other.key'), 'utf8'),
    chain,
    leaf: new X509Certificate(chain[0]!),
    cms(content: Buffer, digest = 'sha1'): Buffer {
      const n = counter++;
      writeFileSync(file(`content${n}.bin`), content);
      openssl(
        'cms',
        '-sign',
        '-binary',
        '-in',
        `content${n}.bin`,
        '-signer',
        'leaf.pem',
        '-inkey',
        'leaf.key',
        '-certfile',
        'inter.pem',
        '-md',
        digest,
        '-outform',
        'DER',
        '-out',
        `cms${n}.der`,
      );
      return readFileSync(file(`cms${n}.der`));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
