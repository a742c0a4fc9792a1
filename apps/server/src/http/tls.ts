/**
 * The server's TLS identity: the certificate and key it serves HTTPS with, and their SHA-256
 * fingerprint (logged at start, answered by `GET /api/v1/server-info` so a first-time visitor can
 * compare it with what the browser shows before trusting a self-signed certificate).
 *
 * Owns `<stateDir>/tls-cert.pem` and `<stateDir>/tls-key.pem`: generated at first start when
 * neither `XENDECK_TLS_CERT`/`XENDECK_TLS_KEY` nor `XENDECK_HTTP=1` is set (as Proxmox's pveproxy
 * does), reused afterwards; delete both to have a new one made at the next start (e.g. after the
 * host's name or addresses changed: they are in the certificate's subjectAltName).
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from '../config.js';

/** File of the generated certificate (PEM), in the state directory. */
export const SELF_SIGNED_CERT_FILE = 'tls-cert.pem';
/** File of the generated private key (PEM, mode 0600), in the state directory. */
export const SELF_SIGNED_KEY_FILE = 'tls-key.pem';
/** Validity of a generated certificate: 10 years (browsers ask the user to trust it anyway). */
export const SELF_SIGNED_VALIDITY_DAYS = 3650;

/** What `https.createServer` needs and what the server tells about it. */
export interface TlsIdentity {
  /** PEM certificate chain (the server's certificate first). */
  cert: string;
  /** PEM private key. */
  key: string;
  /** SHA-256 of the server certificate's DER bytes, `AB:CD:…` (Node's `X509Certificate.fingerprint256`). */
  fingerprintSha256: string;
  /** Whether the certificate was generated here (true) or came from XENDECK_TLS_CERT (false). */
  selfSigned: boolean;
  /** Where the certificate was read from. */
  certFile: string;
  /** DNS names and IP addresses the certificate names (subjectAltName), for the log. */
  subjectAltNames: string[];
}

/** A TLS setup problem, with a message for the operator naming the file and the variable. */
export class TlsError extends Error {
  override readonly name = 'TlsError';
}

/**
 * The names of this machine in `/etc/hosts` text: every name on a line that also names `host`
 * (Debian's `127.0.1.1 dom0.example.net dom0` gives the FQDN `hostname` alone does not).
 * Lower case; comments ignored.
 */
export function hostsFileNames(text: string, host: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const fields = (line.split('#')[0] ?? '').trim().split(/\s+/).slice(1);
    const lower = fields.map((f) => f.toLowerCase());
    if (host && lower.includes(host)) names.push(...lower);
  }
  return names;
}

/**
 * The names a generated certificate covers and the default `Host` allowlist (`http/edge.ts`):
 * `hostname()` (and its first label when it is a FQDN), the names `/etc/hosts` gives it
 * ({@link hostsFileNames}), `localhost`, `127.0.0.1`, `::1`, and every address of the machine's
 * interfaces (`os.networkInterfaces()`, IPv6 link-local left out: a browser cannot name them in
 * a URL with their zone). Returns `{ dns, ips }`, each without duplicates.
 */
export function machineNames(): { dns: string[]; ips: string[] } {
  const host = hostname().toLowerCase();
  const dns = new Set<string>(['localhost']);
  if (host) {
    dns.add(host);
    const short = host.split('.')[0];
    if (short) dns.add(short);
    try {
      for (const n of hostsFileNames(readFileSync('/etc/hosts', 'utf8'), host)) dns.add(n);
    } catch {
      // No /etc/hosts: the hostname alone.
    }
  }
  const ips = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:')) continue;
      ips.add(a.address.toLowerCase());
    }
  }
  return { dns: [...dns], ips: [...ips] };
}

/**
 * Writes `text` to `path` with mode 0600: exclusively created temporary file, fsync, rename.
 * Never through an existing file or symlink. Throws the fs error.
 */
function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads a PEM pair and computes what {@link TlsIdentity} says about it. Throws {@link TlsError}. */
function readIdentity(
  certFile: string,
  keyFile: string,
  selfSigned: boolean,
  origin: string,
): TlsIdentity {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new TlsError(
      `cannot read the TLS ${origin}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TlsError(
      `${certFile} (${origin}) is not a PEM certificate: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!x509.checkPrivateKey(createKeyObjectOrThrow(key, keyFile, origin))) {
    throw new TlsError(`${keyFile} is not the private key of ${certFile} (${origin})`);
  }
  const subjectAltNames = (x509.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    cert,
    key,
    fingerprintSha256: x509.fingerprint256,
    selfSigned,
    certFile,
    subjectAltNames,
  };
}

function createKeyObjectOrThrow(key: string, keyFile: string, origin: string): KeyObject {
  try {
    return createPrivateKey(key);
  } catch (err) {
    throw new TlsError(
      `${keyFile} (${origin}) is not a PEM private key (an encrypted key is not supported): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * Generates a self-signed certificate for this machine ({@link machineNames}): EC P-256,
 * SHA-256 signature, CN = the hostname, valid {@link SELF_SIGNED_VALIDITY_DAYS} days from one
 * day ago (clock skew), serverAuth only, not a CA. Returns the PEM pair.
 */
export async function generateSelfSigned(
  names = machineNames(),
  now = new Date(),
): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(now.getTime() - 24 * 3600 * 1000);
  const notAfterDate = new Date(now.getTime() + SELF_SIGNED_VALIDITY_DAYS * 24 * 3600 * 1000);
  const pems = await generate(
    [
      { name: 'commonName', value: names.dns.find((n) => n !== 'localhost') ?? 'localhost' },
      { name: 'organizationName', value: 'Xendeck (self-signed)' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...names.dns.map((value) => ({ type: 2 as const, value })),
            ...names.ips.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}

/**
 * The TLS identity the configuration asks for, or undefined for plain HTTP (`tls.mode: 'off'`):
 * - `files`: reads `XENDECK_TLS_CERT` / `XENDECK_TLS_KEY` (PEM; the key must match);
 * - `self-signed`: reads `<stateDir>/tls-cert.pem` + `tls-key.pem`, generating both first when
 *   either is missing (key written 0600 before the certificate, each atomically). `onGenerated`
 *   is called after a generation (main.ts logs it).
 * Throws {@link TlsError} with a message naming the file (unreadable, not PEM, mismatched key).
 * `stateDir` must exist (the database opened it first).
 */
export async function loadTlsIdentity(
  config: Pick<Config, 'tls' | 'stateDir'>,
  onGenerated?: (identity: TlsIdentity) => void,
): Promise<TlsIdentity | undefined> {
  const tls = config.tls;
  if (tls.mode === 'off') return undefined;
  if (tls.mode === 'files') {
    return readIdentity(tls.certFile, tls.keyFile, false, 'XENDECK_TLS_CERT/XENDECK_TLS_KEY');
  }
  const certFile = join(config.stateDir, SELF_SIGNED_CERT_FILE);
  const keyFile = join(config.stateDir, SELF_SIGNED_KEY_FILE);
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    const pair = await generateSelfSigned();
    try {
      writePrivateFile(keyFile, pair.key);
      writePrivateFile(certFile, pair.cert);
    } catch (err) {
      throw new TlsError(
        `cannot write the generated certificate into ${config.stateDir}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const identity = readIdentity(certFile, keyFile, true, 'generated certificate');
    onGenerated?.(identity);
    return identity;
  }
  return readIdentity(
    certFile,
    keyFile,
    true,
    `generated certificate (delete ${certFile} and ${keyFile} to make a new one)`,
  );
}
