/**
 * Reading a saved domain image (what `xl save` writes and `xl restore` / `xendomains` read)
 * without restoring it: xl's own header, then the domain config xl put in the header's optional
 * data. Owns the header layout (read from xl's source, `tools/xl/xl.h` and
 * `tools/xl/xl_saverestore.c`, Xen 4.17) and the summary of the saved config; nothing here touches
 * Xen. Used by both backends (restoreDomain needs the saved name before it starts) and by the
 * server's saved-image list.
 *
 * Layout, all integers unsigned 32-bit in the byte order of the host that saved:
 *
 *     offset 0   32 bytes  magic "Xen saved domain, xl format\n \0 \r"
 *     offset 32  byteorder  0x01020304 (read back as 0x04030201 from the other byte order)
 *     offset 36  mandatory_flags  bit 0 JSON (the config is libxl JSON), bit 1 STREAMv2;
 *                                 any other bit: xl refuses to restore
 *     offset 40  optional_flags   xl knows none: any bit set, xl refuses to restore
 *     offset 44  optional_data_len
 *     offset 48  optional data: u32 config length, then the config (JSON with a trailing NUL
 *                when the JSON flag is set, else xl.cfg text, as xl before 4.5 wrote it)
 *     then       libxl's migration stream (the domain's memory and state)
 */
import { open } from 'node:fs/promises';
import { HypervisorError } from './errors.js';

/** xl's `savefileheader_magic` (32 bytes, NULs included). */
export const XL_SAVE_MAGIC = Buffer.from('Xen saved domain, xl format\n \0 \r', 'latin1');
/** Bytes before the optional data: magic + four u32. */
export const XL_SAVE_HEADER_BYTES = 48;
/** XL_MANDATORY_FLAG_JSON: the config in the optional data is libxl JSON. */
export const XL_FLAG_JSON = 1;
/** XL_MANDATORY_FLAG_STREAMv2: libxl's stream format v2 follows (Xen ≥ 4.6). */
export const XL_FLAG_STREAM_V2 = 2;
/** Largest optional data this reader accepts: 1 MiB (xl's config JSON is a few KiB). */
export const XL_SAVE_MAX_OPTIONAL_BYTES = 1024 * 1024;

const BYTEORDER_VALUE = 0x01020304;

/** What the header of a saved image says. */
export interface XlSaveHeader {
  /** Byte order of the host that saved (from the byteorder field). */
  byteOrder: 'little' | 'big';
  /** mandatory_flags: bit 0 JSON, bit 1 STREAMv2. */
  mandatoryFlags: number;
  /** optional_flags (xl defines none). */
  optionalFlags: number;
  /** Bytes of optional data after the 48-byte header. */
  optionalDataBytes: number;
  /** Whether xl (4.17) would accept the flags: no unknown mandatory or optional bit. */
  restorable: boolean;
  /**
   * The config the domain was saved with: libxl's `libxl_domain_config_to_json` of the running
   * domain (`libxl_retrieve_domain_configuration`, so runtime changes such as an inserted CD are
   * in it), when the JSON flag is set; undefined otherwise.
   */
  configJson?: Record<string, unknown>;
  /** The xl.cfg text, for an image saved by an xl without the JSON flag; undefined otherwise. */
  configText?: string;
  /** The saved domain's name: JSON `c_info.name`, or `name = "…"` in configText; undefined when absent. */
  name?: string;
  /** A summary of the saved config (undefined fields when the config does not say). */
  summary: SavedConfigSummary;
}

/** The figures a list shows of a saved config (from libxl JSON `c_info` / `b_info`). */
export interface SavedConfigSummary {
  /** `c_info.type`: pv, pvh or hvm. */
  type?: string;
  /** `c_info.uuid`. */
  uuid?: string;
  /** `b_info.target_memkb` / 1024: memory at the save, MiB. */
  memoryMiB?: number;
  /** `b_info.max_memkb` / 1024: maxmem, MiB. */
  maxMemoryMiB?: number;
  /** `b_info.max_vcpus`. */
  maxVcpus?: number;
  /** Length of `b_info.avail_vcpus` (the vCPUs online at the save). */
  vcpus?: number;
}

function notAnImage(message: string, details: Record<string, unknown> = {}): HypervisorError {
  return new HypervisorError('INVALID_ARGUMENT', `not an xl saved image: ${message}`, details);
}

/**
 * How many bytes from the start of a file {@link parseXlSaveHeader} needs: 48 when given fewer,
 * else 48 + optional_data_len. Throws INVALID_ARGUMENT (bad magic or byte order, optional data
 * over {@link XL_SAVE_MAX_OPTIONAL_BYTES}).
 */
export function xlSaveHeaderLength(head: Uint8Array): number {
  if (head.length < XL_SAVE_HEADER_BYTES) return XL_SAVE_HEADER_BYTES;
  const { readU32 } = fixedPart(Buffer.from(head.buffer, head.byteOffset, head.byteLength));
  const optional = readU32(44);
  if (optional > XL_SAVE_MAX_OPTIONAL_BYTES) {
    throw notAnImage(`optional data of ${optional} bytes (at most ${XL_SAVE_MAX_OPTIONAL_BYTES})`);
  }
  return XL_SAVE_HEADER_BYTES + optional;
}

/** Checks magic and byte order of the first 48 bytes; returns a reader of u32 fields. */
function fixedPart(b: Buffer): { byteOrder: 'little' | 'big'; readU32: (at: number) => number } {
  if (b.length < XL_SAVE_HEADER_BYTES) {
    throw notAnImage(`${b.length} bytes, shorter than xl's ${XL_SAVE_HEADER_BYTES}-byte header`);
  }
  if (!b.subarray(0, 32).equals(XL_SAVE_MAGIC)) throw notAnImage('no xl magic at offset 0');
  const le = b.readUInt32LE(32);
  const byteOrder =
    le === BYTEORDER_VALUE ? 'little' : b.readUInt32BE(32) === BYTEORDER_VALUE ? 'big' : undefined;
  if (!byteOrder) throw notAnImage(`byte order field 0x${le.toString(16)} is not 0x01020304`);
  return {
    byteOrder,
    readU32: (at) => (byteOrder === 'little' ? b.readUInt32LE(at) : b.readUInt32BE(at)),
  };
}

const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

/** The list figures of a libxl JSON domain config (`c_info`, `b_info`); missing fields stay undefined. */
export function summarizeSavedConfig(json: Record<string, unknown>): SavedConfigSummary {
  const c = asRecord(json.c_info) ?? {};
  const b = asRecord(json.b_info) ?? {};
  const kib = (v: unknown) => {
    const n = asNumber(v);
    return n === undefined ? undefined : n / 1024;
  };
  const avail = Array.isArray(b.avail_vcpus) ? b.avail_vcpus.length : undefined;
  return {
    type: asString(c.type),
    uuid: asString(c.uuid),
    memoryMiB: kib(b.target_memkb),
    maxMemoryMiB: kib(b.max_memkb),
    maxVcpus: asNumber(b.max_vcpus),
    vcpus: avail === undefined || avail === 0 ? asNumber(b.max_vcpus) : avail,
  };
}

/**
 * Parses the start of a saved image (at least {@link xlSaveHeaderLength} bytes of it; more is
 * ignored). Pure. Throws INVALID_ARGUMENT with the reason when it is not an xl saved image, is
 * cut short, or its config length or JSON is broken.
 */
export function parseXlSaveHeader(bytes: Uint8Array): XlSaveHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { byteOrder, readU32 } = fixedPart(b);
  const mandatoryFlags = readU32(36);
  const optionalFlags = readU32(40);
  const optionalDataBytes = readU32(44);
  const end = XL_SAVE_HEADER_BYTES + optionalDataBytes;
  if (optionalDataBytes > XL_SAVE_MAX_OPTIONAL_BYTES) {
    throw notAnImage(
      `optional data of ${optionalDataBytes} bytes (at most ${XL_SAVE_MAX_OPTIONAL_BYTES})`,
    );
  }
  if (b.length < end) {
    throw notAnImage(`cut short: the header needs ${end} bytes, got ${b.length}`, {
      needBytes: end,
    });
  }
  const restorable =
    (mandatoryFlags & ~(XL_FLAG_JSON | XL_FLAG_STREAM_V2)) === 0 && optionalFlags === 0;
  const header: XlSaveHeader = {
    byteOrder,
    mandatoryFlags,
    optionalFlags,
    optionalDataBytes,
    restorable,
    summary: {},
  };
  if (optionalDataBytes < 4) return header;
  const configBytes = readU32(XL_SAVE_HEADER_BYTES);
  if (configBytes > optionalDataBytes - 4) {
    throw notAnImage(
      `config length ${configBytes} exceeds the optional data (${optionalDataBytes - 4} bytes)`,
    );
  }
  let text = b
    .subarray(XL_SAVE_HEADER_BYTES + 4, XL_SAVE_HEADER_BYTES + 4 + configBytes)
    .toString('utf8');
  if (text.endsWith('\0')) text = text.slice(0, -1);
  if (configBytes === 0) return header;
  if (mandatoryFlags & XL_FLAG_JSON) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw notAnImage(`the config JSON does not parse: ${(err as Error).message}`);
    }
    const json = asRecord(parsed);
    if (!json) throw notAnImage('the config JSON is not an object');
    header.configJson = json;
    header.name = asString(asRecord(json.c_info)?.name);
    header.summary = summarizeSavedConfig(json);
  } else {
    header.configText = text;
    header.name = /^\s*name\s*=\s*["']([^"'\n]*)["']/m.exec(text)?.[1];
  }
  return header;
}

/**
 * Reads and parses the header of the saved image at `path` (48 bytes, then the optional data).
 * Throws INVALID_ARGUMENT (no such file: `details.notFound`; not an xl image, cut short).
 */
export async function readXlSaveHeader(path: string): Promise<XlSaveHeader> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HypervisorError('INVALID_ARGUMENT', `cannot open saved image ${path}: ${code}`, {
      path,
      notFound: code === 'ENOENT',
    });
  }
  try {
    const read = async (length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead);
    };
    const fixed = await read(XL_SAVE_HEADER_BYTES);
    return parseXlSaveHeader(await read(xlSaveHeaderLength(fixed)));
  } finally {
    await fh.close();
  }
}

/**
 * Encodes an xl header with `config` as its JSON optional data (little-endian, JSON + STREAMv2
 * flags), exactly as xl 4.17 writes it. For the simulated host's images and for tests.
 */
export function encodeXlSaveHeader(config: Record<string, unknown>): Buffer {
  const json = Buffer.from(`${JSON.stringify(config, null, 4)}\n\0`, 'utf8');
  const head = Buffer.alloc(XL_SAVE_HEADER_BYTES + 4);
  XL_SAVE_MAGIC.copy(head, 0);
  head.writeUInt32LE(BYTEORDER_VALUE, 32);
  head.writeUInt32LE(XL_FLAG_JSON | XL_FLAG_STREAM_V2, 36);
  head.writeUInt32LE(0, 40);
  head.writeUInt32LE(4 + json.length, 44);
  head.writeUInt32LE(json.length, 48);
  return Buffer.concat([head, json]);
}

/**
 * The domain name to restore `file` under: the header's name, when xl would accept the image.
 * Throws INVALID_ARGUMENT when the header names no domain or has flags xl 4.17 refuses.
 */
export function restorableName(file: string, header: XlSaveHeader): string {
  if (!header.restorable) {
    throw notAnImage(
      `${file} has flags xl does not know (mandatory 0x${header.mandatoryFlags.toString(16)}, optional 0x${header.optionalFlags.toString(16)})`,
      { file },
    );
  }
  if (!header.name) {
    throw new HypervisorError('INVALID_ARGUMENT', `${file} names no domain in its config`, {
      file,
    });
  }
  return header.name;
}
