/**
 * The parts of the RFB (VNC) protocol, RFC 6143, that both ends of Xendeck's VNC path need: the
 * server's proxy (apps/server `consoles/rfb-handshake.ts`, a client of QEMU and a server to the
 * browser) and the simulated host's synthetic RFB server (`simulated/rfb-server.ts`). Written
 * once here: version strings, security types, VNC authentication's DES response, and a byte
 * reader for the handshake phases.
 */
import des from 'des.js';

/** The ProtocolVersion message of RFB 3.8 (12 bytes), what Xendeck speaks on both sides. */
export const RFB_VERSION_3_8 = 'RFB 003.008\n';

/** Security types (RFC 6143 §7.1.2): None and VNC authentication, the two QEMU offers. */
export const RFB_SECURITY_NONE = 1;
export const RFB_SECURITY_VNC_AUTH = 2;

/** The DesktopSize pseudo-encoding (RFC 6143 §7.8.2): the framebuffer changed size. */
export const RFB_ENCODING_DESKTOP_SIZE = -223;

/**
 * Parses a 12-byte ProtocolVersion message (`RFB 003.008\n`) and returns the minor version the
 * two ends then speak, following RFC 6143 §7.1.1: 8 for 3.8 and later 3.x, 7 for 3.7, 3 for
 * anything older (3.3 and the odd 3.4–3.6, which servers must treat as 3.3). Throws an Error
 * (message says what arrived) for anything that is not `RFB xxx.yyy\n` with major 3.
 */
export function parseRfbVersion(message: Buffer): 3 | 7 | 8 {
  const text = message.toString('latin1');
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(text);
  if (!m || Number(m[1]) !== 3) {
    throw new Error(`not an RFB 3.x ProtocolVersion message: ${JSON.stringify(text)}`);
  }
  const minor = Number(m[2]);
  return minor >= 8 ? 8 : minor === 7 ? 7 : 3;
}

/** The ProtocolVersion message for a minor version of RFB 3 (`RFB 003.00<minor>\n`). */
export function rfbVersionMessage(minor: 3 | 7 | 8): string {
  return `RFB 003.00${minor}\n`;
}

/** Reverses the bits of a byte (VNC uses the password bytes as a DES key, each byte mirrored). */
function mirrorBits(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
}

/**
 * VNC authentication's answer (RFC 6143 §7.2.2): the 16-byte challenge encrypted with DES-ECB,
 * the key being the password's first 8 bytes (Latin-1, zero-padded; longer passwords are cut, as
 * QEMU and every viewer do), each byte's bits reversed. Returns 16 bytes.
 *
 * DES comes from `des.js` (pure JavaScript): OpenSSL 3 moved single DES to its legacy provider,
 * which Node does not load. Throws a RangeError when the challenge is not 16 bytes.
 */
export function vncAuthResponse(password: string, challenge: Buffer): Buffer {
  if (challenge.length !== 16) {
    throw new RangeError(`a VNC authentication challenge is 16 bytes, got ${challenge.length}`);
  }
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = mirrorBits(key[i] ?? 0);
  const cipher = des.DES.create({ type: 'encrypt', key, padding: false });
  return Buffer.from([...cipher.update(challenge), ...cipher.final()]);
}

/**
 * Reads exact byte counts from a stream fed chunk by chunk (a TCP socket's `data`, a websocket's
 * messages), for the handshake phases where each step waits for a message of known size.
 * One `read` at a time. After the handshake, {@link takeRest} hands the bytes already received
 * over to whatever pumps the rest.
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private waiting:
    | { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void }
    | undefined;
  private failed: Error | undefined;

  /** Bytes received and not read yet. */
  get buffered(): number {
    return this.length;
  }

  /** Adds bytes from the source. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.settle();
  }

  /** The source ended or failed: the pending read and every later one rejects with `err`. */
  fail(err: Error): void {
    this.failed ??= err;
    const w = this.waiting;
    if (w && this.length < w.n) {
      this.waiting = undefined;
      w.reject(this.failed);
    }
  }

  /** Resolves with exactly `n` bytes once they have arrived. */
  read(n: number): Promise<Buffer> {
    if (this.waiting) return Promise.reject(new Error('ByteReader: one read at a time'));
    if (this.length >= n) return Promise.resolve(this.consume(n));
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
    });
  }

  /** Reads a u32 (big-endian, as everything in RFB). */
  async readU32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }

  /** Reads a u32 length then that many bytes, as Latin-1 text (RFB reason strings, names). */
  async readString(maxBytes = 65_536): Promise<string> {
    const n = await this.readU32();
    if (n > maxBytes) throw new Error(`RFB string of ${n} bytes is longer than ${maxBytes}`);
    return (await this.read(n)).toString('latin1');
  }

  /** Everything received and not read, in one buffer; the reader is empty afterwards. */
  takeRest(): Buffer {
    const rest = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = [];
    this.length = 0;
    return rest;
  }

  private settle(): void {
    const w = this.waiting;
    if (w && this.length >= w.n) {
      this.waiting = undefined;
      w.resolve(this.consume(w.n));
    }
  }

  private consume(n: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }
}
