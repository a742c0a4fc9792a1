import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  encodeXlSaveHeader,
  parseXlSaveHeader,
  XL_SAVE_HEADER_BYTES,
  xlSaveHeaderLength,
} from '../src/saved-image.js';

// The first 909 bytes of `xl save sv-hdr /root/sv/sv-hdr.save` on the lab's Xen 4.17.7: a PV
// guest of 128 MiB, 1 vCPU, from the lab kernel + busybox initramfs (xl printed
// "Saving to /root/sv/sv-hdr.save new xl format (info 0x3/0x0/861)").
const fixture = () => readFile(new URL('./fixtures/xl-save-header-sv-hdr.bin', import.meta.url));

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return `${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
  return 'no error';
};

describe('parseXlSaveHeader', () => {
  it('reads a real xl 4.17 header: flags, length, name and the saved config', async () => {
    const bytes = await fixture();
    expect(xlSaveHeaderLength(bytes.subarray(0, XL_SAVE_HEADER_BYTES))).toBe(48 + 861);
    const h = parseXlSaveHeader(bytes);
    expect(h.byteOrder).toBe('little');
    expect(h.mandatoryFlags).toBe(3);
    expect(h.optionalFlags).toBe(0);
    expect(h.optionalDataBytes).toBe(861);
    expect(h.restorable).toBe(true);
    expect(h.name).toBe('sv-hdr');
    expect(h.summary).toEqual({
      type: 'pv',
      uuid: 'abd48ab6-262a-4953-8cc2-6cf284bfecb2',
      memoryMiB: 128,
      maxMemoryMiB: 128,
      maxVcpus: 1,
      vcpus: 1,
    });
    const b = h.configJson?.b_info as Record<string, unknown>;
    expect(b.kernel).toBe('/var/lib/xendeck-lab/guests/vmlinuz');
    expect(h.configJson?.on_reboot).toBe('restart');
  });

  it('refuses what is not an xl image, and a header cut short', async () => {
    const bytes = await fixture();
    expect(code(() => parseXlSaveHeader(Buffer.from('LinuxGuestRecord'.padEnd(64, '\0'))))).toMatch(
      /^INVALID_ARGUMENT: not an xl saved image: no xl magic/,
    );
    expect(code(() => parseXlSaveHeader(bytes.subarray(0, 20)))).toMatch(
      /shorter than xl's 48-byte/,
    );
    expect(code(() => parseXlSaveHeader(bytes.subarray(0, 500)))).toMatch(
      /cut short: the header needs 909 bytes, got 500/,
    );
    const badOrder = Buffer.from(bytes);
    badOrder.writeUInt32LE(0x11223344, 32);
    expect(code(() => parseXlSaveHeader(badOrder))).toMatch(/byte order field 0x11223344/);
    const badJson = Buffer.from(bytes);
    badJson.write('!', 52);
    expect(code(() => parseXlSaveHeader(badJson))).toMatch(/config JSON does not parse/);
  });

  it('reads a big-endian header, flags xl does not know, and a legacy xl.cfg config', () => {
    const text = 'name = "old-guest"\nmemory = 256\n';
    const b = Buffer.alloc(48 + 4 + text.length);
    encodeXlSaveHeader({}).copy(b, 0, 0, 32);
    b.writeUInt32BE(0x01020304, 32);
    b.writeUInt32BE(4, 36); // an unknown mandatory flag, no JSON
    b.writeUInt32BE(0, 40);
    b.writeUInt32BE(4 + text.length, 44);
    b.writeUInt32BE(text.length, 48);
    b.write(text, 52);
    const h = parseXlSaveHeader(b);
    expect(h.byteOrder).toBe('big');
    expect(h.restorable).toBe(false);
    expect(h.configText).toBe(text);
    expect(h.name).toBe('old-guest');
    expect(h.configJson).toBeUndefined();
  });

  it('encodeXlSaveHeader writes what parseXlSaveHeader reads, byte-compatible with xl', async () => {
    const real = parseXlSaveHeader(await fixture());
    const again = parseXlSaveHeader(encodeXlSaveHeader(real.configJson ?? {}));
    expect(again.configJson).toEqual(real.configJson);
    expect(again.mandatoryFlags).toBe(real.mandatoryFlags);
    // The fixed part (magic, byte order, flags) is byte for byte what xl wrote.
    const bytes = await fixture();
    expect(encodeXlSaveHeader({}).subarray(0, 44)).toEqual(bytes.subarray(0, 44));
  });
});
