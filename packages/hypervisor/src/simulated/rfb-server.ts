/**
 * A synthetic RFB (VNC) server: what the simulated host serves as an HVM domain's graphical
 * console, and what the server's proxy tests and benchmark talk to. Test and UI infrastructure,
 * not the product; it speaks just enough RFB for noVNC and for Xendeck's proxy:
 *
 * - RFB 3.8 (3.3 and 3.7 clients accepted), security None, or VNC authentication (DES
 *   challenge/response) when a password is set;
 * - ClientInit's shared flag honoured like QEMU's `share=allow-exclusive`: a client asking for
 *   exclusive access drops every other client;
 * - ServerInit with the desktop name; SetPixelFormat (true colour, 8/16/32 bpp, either byte
 *   order), SetEncodings, FramebufferUpdateRequest answered with Raw rectangles (incremental
 *   requests wait until the picture changes), DesktopSize (-223) when the client advertises it;
 * - the picture: colour bars and gradients (not uniform), the name in large letters, the size, a
 *   status line showing the last key and pointer position received, and a line with the last
 *   48 characters typed (so a test or a person sees input arrive, "Type text" included). KeyEvent / PointerEvent are also recorded in {@link RfbServer.keyEvents} and
 *   {@link RfbServer.pointerEvents}. Ctrl-Alt-Del toggles the resolution (800×600 ↔ 1024×768),
 *   as a guest rebooting into another video mode would; {@link RfbServer.resize} does it from code;
 * - benchmark helpers: `streamBytes` (the first FramebufferUpdateRequest is answered with that
 *   many bytes of Raw frames, as fast as the client reads) and `echoCutText` (ClientCutText is
 *   answered at once with a ServerCutText of the same text: a round trip to time).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  ByteReader,
  parseRfbVersion,
  RFB_ENCODING_DESKTOP_SIZE,
  RFB_SECURITY_NONE,
  RFB_SECURITY_VNC_AUTH,
  RFB_VERSION_3_8,
  vncAuthResponse,
} from '../rfb-protocol.js';

/** Options of {@link RfbServer}. */
export interface RfbServerOptions {
  /** Desktop name: sent in ServerInit and drawn on the screen (the simulated host uses the domain's name). */
  name: string;
  /** VNC password; when non-empty, clients must pass VNC authentication, otherwise security None. */
  password?: string;
  /** Framebuffer width and height, pixels; default 800×600. */
  width?: number;
  height?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; default 0 (an ephemeral port, see {@link RfbServer.port}). */
  port?: number;
  /**
   * Benchmark: the first FramebufferUpdateRequest of each client is answered with full-screen Raw
   * FramebufferUpdate messages until at least this many bytes were sent (each message is
   * `4 + 12 + width × height × 4` bytes at 32 bpp), written as fast as the client reads.
   */
  streamBytes?: number;
  /** Benchmark: answer every ClientCutText at once with a ServerCutText of the same text. */
  echoCutText?: boolean;
}

/** A KeyEvent as received: X11 keysym, pressed or released. */
export interface RfbKeyEvent {
  keysym: number;
  down: boolean;
}

/** A PointerEvent as received: position in pixels, button mask (bit 0 = left). */
export interface RfbPointerEvent {
  x: number;
  y: number;
  buttons: number;
}

interface PixelFormat {
  bitsPerPixel: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Client {
  socket: Socket;
  pf: PixelFormat;
  encodings: Set<number>;
  /** Size this client believes the framebuffer has (changes only through DesktopSize). */
  width: number;
  height: number;
  /** Changed area not sent to this client yet. */
  dirty: Rect | undefined;
  /** An incremental request waiting for a change. */
  pending: Rect | undefined;
  /** The framebuffer changed size and the client has not been told yet. */
  resizePending: boolean;
  /** Whether the benchmark stream was sent. */
  streamed: boolean;
}

/** QEMU's default: 32 bpp, depth 24, little-endian, red in bits 16–23, blue in 0–7. */
const DEFAULT_PIXEL_FORMAT: PixelFormat = {
  bitsPerPixel: 32,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
};

/** Characters kept in {@link RfbServer.typedText} and shown on screen. */
const MAX_TYPED_CHARS = 48;
/** Events kept in {@link RfbServer.keyEvents} / {@link RfbServer.pointerEvents}, newest last. */
const MAX_RECORDED_EVENTS = 1000;
/** X11 keysyms of the Ctrl-Alt-Del chord. */
const XK_CONTROL = [0xffe3, 0xffe4];
const XK_ALT = [0xffe9, 0xffea];
const XK_DELETE = 0xffff;
const XK_RETURN = 0xff0d;
/** The two resolutions Ctrl-Alt-Del switches between. */
const ALT_SIZES: readonly [number, number][] = [
  [800, 600],
  [1024, 768],
];

/** Letters 3 pixels wide and 5 high (one string of 15 bits per glyph, rows top to bottom). */
const FONT_3X5: Record<string, string> = {
  A: '010101111101101',
  B: '110101110101110',
  C: '011100100100011',
  D: '110101101101110',
  E: '111100110100111',
  F: '111100110100100',
  G: '011100101101011',
  H: '101101111101101',
  I: '111010010010111',
  J: '001001001101010',
  K: '101101110101101',
  L: '100100100100111',
  M: '101111111101101',
  N: '110101101101101',
  O: '010101101101010',
  P: '110101110100100',
  Q: '010101101110011',
  R: '110101110101101',
  S: '011100010001110',
  T: '111010010010010',
  U: '101101101101111',
  V: '101101101101010',
  W: '101101111111101',
  X: '101101010101101',
  Y: '101101010010010',
  Z: '111001010100111',
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '110001010100111',
  '3': '110001010001110',
  '4': '101101111001001',
  '5': '111100110001110',
  '6': '011100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001110',
  '-': '000000111000000',
  _: '000000000000111',
  '.': '000000000000010',
  ':': '000010000010000',
  '/': '001001010100100',
  '=': '000111000111000',
  '+': '000010111010000',
  '(': '010100100100010',
  ')': '010001001001010',
  ' ': '000000000000000',
  '?': '110001010000010',
  ',': '000000000010100',
  ';': '000010000010100',
  '!': '010010010000010',
  '#': '101111101111101',
  '*': '101010101000000',
  "'": '010010000000000',
  '"': '101101000000000',
  '@': '111101111100111',
  '%': '101001010100101',
  '&': '010101010101011',
  '<': '001010100010001',
  '>': '100010001010100',
  '[': '110100100100110',
  ']': '011001001001011',
  '|': '010010010010010',
  '\\': '100100010001001',
  '~': '000011110000000',
  '^': '010101000000000',
  $: '011110010011110',
  '`': '100010000000000',
  '{': '011010110010011',
  '}': '110010011010110',
};

/** A keysym for people: the character for printable Latin-1, else hex (`0xff0d`). */
function keysymLabel(keysym: number): string {
  if (keysym >= 0x21 && keysym <= 0x7e) return String.fromCharCode(keysym);
  if (keysym === 0x20) return 'SPACE';
  return `0x${keysym.toString(16)}`;
}

function intersect(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.w, b.x + b.w) - x;
  const h = Math.min(a.y + a.h, b.y + b.h) - y;
  return w > 0 && h > 0 ? { x, y, w, h } : undefined;
}

function union(a: Rect | undefined, b: Rect): Rect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y,
  };
}

/**
 * The synthetic RFB server. `listen()` then hand `port` to clients; `close()` drops everyone.
 * Counters ({@link connectionCount}, {@link clientCount}, {@link streamedBytes}) let tests check
 * who reached it.
 */
export class RfbServer {
  /** KeyEvents received, oldest first (at most 1000). */
  readonly keyEvents: RfbKeyEvent[] = [];
  /** PointerEvents received, oldest first (at most 1000). */
  readonly pointerEvents: RfbPointerEvent[] = [];
  private readonly server: Server;
  private readonly clients = new Set<Client>();
  private readonly sockets = new Set<Socket>();
  private width: number;
  private height: number;
  /** The picture, one 0xRRGGBB per pixel, row by row. */
  private fb: Uint32Array;
  private accepted = 0;
  private streamed = 0;
  private status = 'NO INPUT YET';
  private typed = '';
  private readonly held = new Set<number>();
  private closing = false;

  constructor(private readonly options: RfbServerOptions) {
    this.width = options.width ?? 800;
    this.height = options.height ?? 600;
    this.fb = new Uint32Array(this.width * this.height);
    this.drawScene();
    this.server = createServer((socket) => this.accept(socket));
  }

  /**
   * Starts listening; resolves with the TCP port. Rejects when the port cannot be bound, or when
   * {@link close} was called meanwhile (the server then closes as soon as it listens).
   */
  async listen(): Promise<number> {
    if (this.closing) throw new Error('the RFB server is closed');
    if (!this.server.listening) {
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
      await once(this.server, 'listening');
    }
    if (this.closing) {
      await this.close();
      throw new Error('the RFB server was closed while it started');
    }
    return this.port;
  }

  /** The TCP port listened on (0 before {@link listen}). */
  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /** TCP connections accepted since start (handshake done or not). */
  get connectionCount(): number {
    return this.accepted;
  }

  /** Clients past ClientInit now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Bytes of benchmark stream handed to sockets so far (see `streamBytes`), all clients. */
  get streamedBytes(): number {
    return this.streamed;
  }

  /**
   * The last 48 printable characters typed (Latin-1 keysyms 0x20–0x7e and 0xa0–0xff, key presses
   * only; Return adds a newline), as typed: what a "Type text" feature sent.
   */
  get typedText(): string {
    return this.typed;
  }

  /** The framebuffer size now, pixels. */
  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** Changes the resolution: clients that advertised DesktopSize are told; others keep their size, clipped. */
  resize(width: number, height: number): void {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
      throw new RangeError(`bad framebuffer size ${width}×${height}`);
    }
    this.width = width;
    this.height = height;
    this.fb = new Uint32Array(width * height);
    this.drawScene();
    for (const c of this.clients) {
      if (c.encodings.has(RFB_ENCODING_DESKTOP_SIZE)) c.resizePending = true;
    }
    this.changed({ x: 0, y: 0, w: width, h: height });
  }

  /** Closes every client connection (as QEMU does when the domain dies), keeps listening. */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stops listening and closes every connection (also when called while `listen` runs). */
  async close(): Promise<void> {
    this.closing = true;
    this.dropClients();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- connection ----------------------------------------------------------------------------

  private accept(socket: Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const reader = new ByteReader();
    socket.on('data', (b: Buffer) => reader.push(b));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      reader.fail(new Error('connection closed'));
    });
    this.serve(socket, reader).catch(() => socket.destroy());
  }

  private async serve(socket: Socket, r: ByteReader): Promise<void> {
    socket.write(RFB_VERSION_3_8);
    const minor = parseRfbVersion(await r.read(12));
    const password = this.options.password ?? '';
    const type = password ? RFB_SECURITY_VNC_AUTH : RFB_SECURITY_NONE;
    if (minor >= 7) {
      socket.write(Buffer.from([1, type]));
      const choice = (await r.read(1))[0];
      if (choice !== type) return this.refuse(socket, minor, `security type ${choice} not offered`);
    } else {
      socket.write(u32(type));
    }
    if (type === RFB_SECURITY_VNC_AUTH) {
      const challenge = randomBytes(16);
      socket.write(challenge);
      const answer = await r.read(16);
      if (!answer.equals(vncAuthResponse(password, challenge))) {
        return this.refuse(socket, minor, 'Authentication failed');
      }
      socket.write(u32(0));
    } else if (minor === 8) {
      socket.write(u32(0));
    }
    const shared = (await r.read(1))[0] !== 0;
    if (!shared) {
      for (const other of this.clients) other.socket.destroy();
    }
    const client: Client = {
      socket,
      pf: { ...DEFAULT_PIXEL_FORMAT },
      encodings: new Set(),
      width: this.width,
      height: this.height,
      dirty: undefined,
      pending: undefined,
      resizePending: false,
      streamed: false,
    };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    const name = Buffer.from(this.options.name, 'utf8');
    socket.write(
      Buffer.concat([
        u16(this.width),
        u16(this.height),
        encodePixelFormat(client.pf),
        u32(name.length),
        name,
      ]),
    );
    for (;;) await this.message(client, r);
  }

  /** Sends a failed SecurityResult (with the reason in 3.8) and closes. */
  private refuse(socket: Socket, minor: number, reason: string): void {
    const text = Buffer.from(reason, 'latin1');
    socket.end(minor === 8 ? Buffer.concat([u32(1), u32(text.length), text]) : u32(1));
  }

  /** Reads and handles one client message. */
  private async message(c: Client, r: ByteReader): Promise<void> {
    const type = (await r.read(1))[0];
    switch (type) {
      case 0: {
        const b = await r.read(19);
        const pf = decodePixelFormat(b.subarray(3));
        if (!pf.trueColour || ![8, 16, 32].includes(pf.bitsPerPixel)) {
          throw new Error('only true-colour 8/16/32 bpp pixel formats are supported');
        }
        c.pf = pf;
        return;
      }
      case 2: {
        const n = (await r.read(3)).readUInt16BE(1);
        const list = await r.read(4 * n);
        c.encodings = new Set(Array.from({ length: n }, (_, i) => list.readInt32BE(4 * i)));
        return;
      }
      case 3: {
        const b = await r.read(9);
        const rect = {
          x: b.readUInt16BE(1),
          y: b.readUInt16BE(3),
          w: b.readUInt16BE(5),
          h: b.readUInt16BE(7),
        };
        if (this.options.streamBytes && !c.streamed) {
          c.streamed = true;
          await this.stream(c, this.options.streamBytes);
          return;
        }
        if (b[0] === 0) {
          c.dirty = undefined;
          this.sendUpdate(c, rect);
        } else {
          c.pending = rect;
          this.flush(c);
        }
        return;
      }
      case 4: {
        const b = await r.read(7);
        this.onKey({ down: b[0] !== 0, keysym: b.readUInt32BE(3) });
        return;
      }
      case 5: {
        const b = await r.read(5);
        this.onPointer({ buttons: b[0] ?? 0, x: b.readUInt16BE(1), y: b.readUInt16BE(3) });
        return;
      }
      case 6: {
        await r.read(3);
        const text = await r.read(await r.readU32());
        if (this.options.echoCutText) {
          c.socket.write(Buffer.concat([Buffer.from([3, 0, 0, 0]), u32(text.length), text]));
        }
        return;
      }
      default:
        throw new Error(`unsupported client message type ${type}`);
    }
  }

  // ---- updates -------------------------------------------------------------------------------

  /** Marks `rect` changed for every client and answers waiting incremental requests. */
  private changed(rect: Rect): void {
    for (const c of this.clients) {
      c.dirty = union(c.dirty, rect);
      this.flush(c);
    }
  }

  /** Answers a waiting incremental request when there is something to send. */
  private flush(c: Client): void {
    if (!c.pending) return;
    if (c.resizePending) {
      c.resizePending = false;
      c.pending = undefined;
      c.width = this.width;
      c.height = this.height;
      c.dirty = { x: 0, y: 0, w: this.width, h: this.height };
      const rect = Buffer.concat([
        Buffer.from([0, 0]),
        u16(1),
        u16(0),
        u16(0),
        u16(this.width),
        u16(this.height),
        s32(RFB_ENCODING_DESKTOP_SIZE),
      ]);
      c.socket.write(rect);
      return;
    }
    const area = c.dirty && intersect(c.dirty, c.pending);
    if (!area) return;
    c.pending = undefined;
    c.dirty = undefined;
    this.sendUpdate(c, area);
  }

  /** Sends one FramebufferUpdate with `rect` (clipped to what the client and the picture have) in Raw. */
  private sendUpdate(c: Client, rect: Rect): void {
    const area = intersect(rect, {
      x: 0,
      y: 0,
      w: Math.min(c.width, this.width),
      h: Math.min(c.height, this.height),
    });
    const header = Buffer.from([0, 0, 0, area ? 1 : 0]);
    if (!area) {
      c.socket.write(header);
      return;
    }
    const rectHeader = Buffer.concat([u16(area.x), u16(area.y), u16(area.w), u16(area.h), s32(0)]);
    c.socket.write(Buffer.concat([header, rectHeader, this.encode(area, c.pf)]));
  }

  /** The pixels of `rect` in the client's pixel format. */
  private encode(rect: Rect, pf: PixelFormat): Buffer {
    const bytes = pf.bitsPerPixel / 8;
    const out = Buffer.allocUnsafe(rect.w * rect.h * bytes);
    const le = !pf.bigEndian;
    let o = 0;
    for (let y = rect.y; y < rect.y + rect.h; y++) {
      const row = y * this.width;
      for (let x = rect.x; x < rect.x + rect.w; x++) {
        const rgb = this.fb[row + x] ?? 0;
        const v =
          ((((((rgb >> 16) & 0xff) * pf.redMax) / 255) | 0) << pf.redShift) |
          ((((((rgb >> 8) & 0xff) * pf.greenMax) / 255) | 0) << pf.greenShift) |
          (((((rgb & 0xff) * pf.blueMax) / 255) | 0) << pf.blueShift);
        if (bytes === 4) le ? out.writeUInt32LE(v >>> 0, o) : out.writeUInt32BE(v >>> 0, o);
        else if (bytes === 2)
          le ? out.writeUInt16LE(v & 0xffff, o) : out.writeUInt16BE(v & 0xffff, o);
        else out[o] = v & 0xff;
        o += bytes;
      }
    }
    return out;
  }

  /** Benchmark stream: full-screen Raw updates until `total` bytes were written, waiting for 'drain'. */
  private async stream(c: Client, total: number): Promise<void> {
    const full = { x: 0, y: 0, w: this.width, h: this.height };
    const frame = Buffer.concat([
      Buffer.from([0, 0, 0, 1]),
      u16(0),
      u16(0),
      u16(this.width),
      u16(this.height),
      s32(0),
      this.encode(full, c.pf),
    ]);
    let sent = 0;
    while (sent < total && !c.socket.destroyed) {
      const ok = c.socket.write(frame);
      sent += frame.length;
      this.streamed += frame.length;
      if (!ok) await drainOrClose(c.socket);
    }
  }

  // ---- input ---------------------------------------------------------------------------------

  private onKey(e: RfbKeyEvent): void {
    record(this.keyEvents, e);
    if (e.down) this.held.add(e.keysym);
    else this.held.delete(e.keysym);
    if (!e.down) return;
    const ctrl = XK_CONTROL.some((k) => this.held.has(k));
    const alt = XK_ALT.some((k) => this.held.has(k));
    if (ctrl && alt && e.keysym === XK_DELETE) {
      const [w, h] = ALT_SIZES.find(([w, h]) => w !== this.width || h !== this.height) ?? [
        800, 600,
      ];
      this.status = 'CTRL-ALT-DEL: NEW VIDEO MODE';
      this.resize(w, h);
      return;
    }
    this.status = `LAST KEY: ${keysymLabel(e.keysym)}`;
    const ch =
      (e.keysym >= 0x20 && e.keysym <= 0x7e) || (e.keysym >= 0xa0 && e.keysym <= 0xff)
        ? String.fromCharCode(e.keysym)
        : e.keysym === XK_RETURN
          ? '\n'
          : '';
    this.typed = (this.typed + ch).slice(-MAX_TYPED_CHARS);
    this.changed(this.drawStatus());
  }

  private onPointer(e: RfbPointerEvent): void {
    record(this.pointerEvents, e);
    this.status = `POINTER: ${e.x},${e.y} BUTTONS ${e.buttons}`;
    let area = this.drawStatus();
    if (e.buttons & 1) {
      const dot = { x: e.x - 2, y: e.y - 2, w: 5, h: 5 };
      this.fill(dot, 0xffffff);
      area = union(area, dot);
    }
    this.changed(area);
  }

  // ---- drawing -------------------------------------------------------------------------------

  /** The whole picture: colour bars, a gradient band, the name box, the status line. */
  private drawScene(): void {
    const { width: w, height: h } = this;
    const bars = [0xc0c0c0, 0xc0c000, 0x00c0c0, 0x00c000, 0xc000c0, 0xc00000, 0x0000c0, 0x101010];
    const barsH = Math.floor(h * 0.6);
    for (let i = 0; i < bars.length; i++) {
      const x0 = Math.floor((i * w) / bars.length);
      const x1 = Math.floor(((i + 1) * w) / bars.length);
      this.fill({ x: x0, y: 0, w: x1 - x0, h: barsH }, bars[i] ?? 0);
    }
    for (let y = barsH; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = Math.floor((x * 255) / (w - 1));
        const band = y < barsH + (h - barsH) / 2;
        this.fb[y * w + x] = band ? (v << 16) | (v << 8) | v : (v << 16) | ((255 - v) << 0);
      }
    }
    const box = { x: 20, y: 20, w: w - 40, h: 110 };
    this.fill(box, 0x202040);
    this.text(this.options.name.toUpperCase(), 32, 32, 8, 0xffffff);
    this.text(`${w}X${h} SYNTHETIC VNC (XENDECK SIMULATED HOST)`, 32, 84, 3, 0xa0a0ff);
    this.drawStatus();
  }

  /** Redraws the status line and the typed text under it; returns their area. */
  private drawStatus(): Rect {
    const area = { x: 20, y: 140, w: this.width - 40, h: 64 };
    this.fill(area, 0x000000);
    this.text(this.status.toUpperCase(), 32, 150, 4, 0x40ff40);
    const line = this.typed.split('\n').at(-1) ?? '';
    this.text(`TYPED: ${line.toUpperCase()}`, 32, 180, 3, 0xffff40);
    return area;
  }

  private fill(r: Rect, rgb: number): void {
    const box = intersect(r, { x: 0, y: 0, w: this.width, h: this.height });
    if (!box) return;
    for (let y = box.y; y < box.y + box.h; y++) {
      this.fb.fill(rgb, y * this.width + box.x, y * this.width + box.x + box.w);
    }
  }

  /** Draws text with the 3×5 font at `scale` pixels per font pixel (clipped to the picture). */
  private text(s: string, x: number, y: number, scale: number, rgb: number): void {
    let cx = x;
    for (const ch of s) {
      const glyph = FONT_3X5[ch] ?? FONT_3X5['?'] ?? '';
      for (let i = 0; i < 15; i++) {
        if (glyph[i] === '1') {
          this.fill(
            { x: cx + (i % 3) * scale, y: y + Math.floor(i / 3) * scale, w: scale, h: scale },
            rgb,
          );
        }
      }
      cx += 4 * scale;
    }
  }
}

/** Resolves at the socket's next 'drain' or 'close', leaving no listener behind. */
function drainOrClose(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

function record<T>(list: T[], e: T): void {
  list.push(e);
  if (list.length > MAX_RECORDED_EVENTS) list.shift();
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function s32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** The 16-byte PIXEL_FORMAT (RFC 6143 §7.4). */
function encodePixelFormat(pf: PixelFormat): Buffer {
  const b = Buffer.alloc(16);
  b[0] = pf.bitsPerPixel;
  b[1] = pf.bitsPerPixel === 32 ? 24 : pf.bitsPerPixel;
  b[2] = pf.bigEndian ? 1 : 0;
  b[3] = pf.trueColour ? 1 : 0;
  b.writeUInt16BE(pf.redMax, 4);
  b.writeUInt16BE(pf.greenMax, 6);
  b.writeUInt16BE(pf.blueMax, 8);
  b[10] = pf.redShift;
  b[11] = pf.greenShift;
  b[12] = pf.blueShift;
  return b;
}

function decodePixelFormat(b: Buffer): PixelFormat {
  return {
    bitsPerPixel: b[0] ?? 0,
    bigEndian: b[2] !== 0,
    trueColour: b[3] !== 0,
    redMax: b.readUInt16BE(4),
    greenMax: b.readUInt16BE(6),
    blueMax: b.readUInt16BE(8),
    redShift: b[10] ?? 0,
    greenShift: b[11] ?? 0,
    blueShift: b[12] ?? 0,
  };
}
