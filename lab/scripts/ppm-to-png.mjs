#!/usr/bin/env node
/**
 * ppm-to-png.mjs IN.ppm OUT.png: converts a binary PPM (P6, maxval 255; what QEMU's `screendump`
 * writes) to an RGB PNG, with node's zlib only. For looking at a guest's screen in the lab:
 * QMP `{"execute":"screendump","arguments":{"filename":"/var/lib/xendeck-lab/run/x.ppm"}}` on
 * dom0's /var/run/xen/qmp-libxl-<domid>, then this on the host's run share.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const [input, output] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  process.stderr.write('usage: ppm-to-png.mjs IN.ppm OUT.png\n');
  process.exit(2);
}
const ppm = readFileSync(input);
// Header: P6 <ws> width <ws> height <ws> maxval <one ws>, '#' comments to end of line.
let pos = 0;
const token = () => {
  for (;;) {
    while (/\s/.test(String.fromCharCode(ppm[pos]))) pos++;
    if (ppm[pos] !== 0x23) break;
    while (ppm[pos] !== 0x0a) pos++;
  }
  const start = pos;
  while (!/\s/.test(String.fromCharCode(ppm[pos]))) pos++;
  return ppm.subarray(start, pos).toString('latin1');
};
const magic = token();
const width = Number(token());
const height = Number(token());
const maxval = Number(token());
pos++;
if (magic !== 'P6' || maxval !== 255 || !(width > 0 && height > 0)) {
  process.stderr.write(
    `${input}: not a P6 PPM with maxval 255 (${magic} ${width}x${height} ${maxval})\n`,
  );
  process.exit(1);
}
const rowBytes = width * 3;
const raw = Buffer.alloc((rowBytes + 1) * height);
for (let y = 0; y < height; y++) {
  raw[y * (rowBytes + 1)] = 0; // filter: none
  ppm.copy(raw, y * (rowBytes + 1) + 1, pos + y * rowBytes, pos + (y + 1) * rowBytes);
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(width, 0);
ihdr.writeUInt32BE(height, 4);
ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
writeFileSync(
  output,
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
