/**
 * The RFB (VNC, RFC 6143) handshake of the VNC proxy, both halves, over byte readers so they can
 * be tested without sockets:
 *
 * - upstream, Xendeck as the client of the guest's device model (QEMU): ProtocolVersion, then
 *   security None when offered, else VNC authentication answered with the guest's `vncpasswd`
 *   (xenstore console/vnc-pass), then SecurityResult;
 * - downstream, Xendeck as the server of the browser (noVNC): RFB 3.8, security None only (the
 *   password never reaches the browser), SecurityResult OK, then the browser's ClientInit, whose
 *   shared flag is forced to 1 (QEMU's allow-exclusive would otherwise let one viewer drop the
 *   others).
 *
 * After both halves the proxy sends the (rewritten) ClientInit upstream and bytes pass untouched
 * both ways. Protocol pieces shared with the simulated host's RFB server (version parsing, the DES
 * answer, the byte reader) come from `@xendeck/hypervisor`'s rfb-protocol.ts.
 */
import {
  type ByteReader,
  parseRfbVersion,
  RFB_SECURITY_NONE,
  RFB_SECURITY_VNC_AUTH,
  RFB_VERSION_3_8,
  rfbVersionMessage,
  vncAuthResponse,
} from '@xendeck/hypervisor';

/** Writes bytes to the other end (a TCP socket's or a websocket's send). */
export type ByteWriter = (data: Buffer) => void;

/** Why a handshake failed; `side` says which end: the guest's VNC server or the browser. */
export class RfbHandshakeError extends Error {
  override readonly name = 'RfbHandshakeError';
  constructor(
    readonly side: 'upstream' | 'downstream',
    message: string,
  ) {
    super(message);
  }
}

/** What the upstream handshake found. */
export interface UpstreamResult {
  /** RFB 3.x minor version spoken with the VNC server (3, 7 or 8). */
  minor: 3 | 7 | 8;
  /** Security type used: 1 None, 2 VNC authentication. */
  securityType: number;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/**
 * Client half, towards the guest's VNC server, up to and including SecurityResult (ClientInit is
 * the caller's, once the browser sent its own). `password`: the guest's `vncpasswd`, used only
 * when the server does not offer None. Throws {@link RfbHandshakeError} (side `upstream`) with a
 * message for people: not an RFB server, no usable security type (including "asks for a password
 * and the guest has none in xenstore"), server refusal or authentication failure with the
 * server's reason; the reader's own error when the connection closes first.
 */
export async function upstreamHandshake(
  r: ByteReader,
  write: ByteWriter,
  password: string | undefined,
): Promise<UpstreamResult> {
  const fail = (message: string) => new RfbHandshakeError('upstream', message);
  let minor: 3 | 7 | 8;
  try {
    minor = parseRfbVersion(await r.read(12));
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('not an RFB')) {
      throw fail(`the guest's VNC server did not answer as one: ${err.message}`);
    }
    throw err;
  }
  write(Buffer.from(rfbVersionMessage(minor), 'latin1'));

  let offered: number[];
  if (minor === 3) {
    offered = [await r.readU32()];
  } else {
    const n = (await r.read(1))[0] ?? 0;
    offered = n === 0 ? [0] : [...(await r.read(n))];
  }
  if (offered[0] === 0) {
    throw fail(`the guest's VNC server refused the connection: ${await r.readString()}`);
  }
  let type: number;
  if (offered.includes(RFB_SECURITY_NONE)) type = RFB_SECURITY_NONE;
  else if (offered.includes(RFB_SECURITY_VNC_AUTH) && password) type = RFB_SECURITY_VNC_AUTH;
  else if (offered.includes(RFB_SECURITY_VNC_AUTH)) {
    throw fail(
      "the guest's VNC server asks for a password (VNC authentication) and the domain has none " +
        '(xenstore console/vnc-pass is empty: is vncpasswd set in its config?)',
    );
  } else {
    throw fail(
      `the guest's VNC server offers only security types ${offered.join(', ')}; ` +
        'Xendeck speaks None (1) and VNC authentication (2)',
    );
  }
  if (minor !== 3) write(Buffer.from([type]));

  if (type === RFB_SECURITY_VNC_AUTH) {
    write(vncAuthResponse(password ?? '', await r.read(16)));
  }
  // 3.8 sends a SecurityResult after every type; 3.3 and 3.7 only after VNC authentication.
  if (type === RFB_SECURITY_VNC_AUTH || minor === 8) {
    const result = await r.readU32();
    if (result !== 0) {
      const reason = minor === 8 ? await r.readString().catch(() => '') : '';
      throw fail(
        type === RFB_SECURITY_VNC_AUTH
          ? `VNC authentication with the domain's vncpasswd failed${reason ? `: ${reason}` : ''} (wrong password in xenstore console/vnc-pass?)`
          : `the guest's VNC server refused the connection${reason ? `: ${reason}` : ''}`,
      );
    }
  }
  return { minor, securityType: type };
}

/**
 * Server half, towards the browser: sends RFB 3.8, accepts a 3.3/3.7/3.8 client, offers only
 * security None, confirms it, and reads ClientInit. Resolves with the ClientInit to forward
 * upstream: always shared (1), whatever the browser asked. Throws {@link RfbHandshakeError}
 * (side `downstream`) when the browser does not speak RFB 3.x or picks another security type; the
 * reader's own error when the websocket closes first.
 */
export async function downstreamHandshake(r: ByteReader, write: ByteWriter): Promise<Buffer> {
  const fail = (message: string) => new RfbHandshakeError('downstream', message);
  write(Buffer.from(RFB_VERSION_3_8, 'latin1'));
  let minor: 3 | 7 | 8;
  try {
    minor = parseRfbVersion(await r.read(12));
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('not an RFB')) {
      throw fail(`the client did not answer as an RFB viewer: ${err.message}`);
    }
    throw err;
  }
  if (minor === 3) {
    write(u32(RFB_SECURITY_NONE));
  } else {
    write(Buffer.from([1, RFB_SECURITY_NONE]));
    const choice = (await r.read(1))[0];
    if (choice !== RFB_SECURITY_NONE) {
      const reason = Buffer.from('only security type None (1) is offered', 'latin1');
      write(minor === 8 ? Buffer.concat([u32(1), u32(reason.length), reason]) : u32(1));
      throw fail(`the client chose security type ${choice}; only None (1) is offered`);
    }
    if (minor === 8) write(u32(0));
  }
  await r.read(1); // ClientInit: the shared flag, replaced below.
  return Buffer.from([1]);
}
