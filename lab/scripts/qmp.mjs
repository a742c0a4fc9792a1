#!/usr/bin/env node
/**
 * qmp.mjs SOCKET COMMAND-JSON...: sends QMP commands to a QEMU monitor socket and prints each
 * reply (one JSON line each); exits 1 when a reply is an error. Runs in dom0 (node is there) on
 * an HVM guest's device model, `/var/run/xen/qmp-libxl-<domid>`, for example
 *   node lab/scripts/qmp.mjs /var/run/xen/qmp-libxl-3 \
 *     '{"execute":"screendump","arguments":{"filename":"/var/lib/xendeck-lab/run/s.ppm"}}'
 * or a key: '{"execute":"send-key","arguments":{"keys":[{"type":"qcode","data":"y"}]}}'.
 * Shorthand: `type:TEXT` sends TEXT key by key (a-z, 0-9, space, `\n` = Enter).
 */
import { connect } from 'node:net';

const [socketPath, ...commands] = process.argv.slice(2);
if (socketPath === undefined || commands.length === 0) {
  process.stderr.write('usage: qmp.mjs SOCKET COMMAND-JSON|type:TEXT ...\n');
  process.exit(2);
}
const qcode = (ch) => (ch === ' ' ? 'spc' : ch === '\n' ? 'ret' : ch);
const expanded = commands.flatMap((c) =>
  c.startsWith('type:')
    ? [...c.slice(5).replace(/\\n/g, '\n')].map((ch) => ({
        execute: 'send-key',
        arguments: { keys: [{ type: 'qcode', data: qcode(ch) }] },
      }))
    : [JSON.parse(c)],
);
const queue = [{ execute: 'qmp_capabilities' }, ...expanded];
const sock = connect(socketPath);
let buf = '';
let failed = false;
let sentCapabilities = false;
sock.on('data', (d) => {
  buf += d.toString();
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const line = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    if (line === '') continue;
    const msg = JSON.parse(line);
    if (msg.event !== undefined) continue;
    if (msg.QMP !== undefined || msg.return !== undefined || msg.error !== undefined) {
      if (msg.error !== undefined) failed = true;
      if (msg.QMP === undefined && sentCapabilities) process.stdout.write(`${line}\n`);
      const next = queue.shift();
      if (next === undefined) {
        sock.end();
        return;
      }
      if (next.execute === 'qmp_capabilities') sentCapabilities = true;
      sock.write(`${JSON.stringify(next)}\n`);
    }
  }
});
sock.on('error', (e) => {
  process.stderr.write(`qmp: ${socketPath}: ${e.message}\n`);
  process.exit(1);
});
sock.on('close', () => process.exit(failed ? 1 : 0));
