import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseCpumap } from '@xendeck/xl-config';
import { describe, it } from 'vitest';
import { openLibxlHost } from '../src/libxl-host.js';
import { describeHypervisorContract } from '../src/testing/contract.js';
import { xenPresent } from '../src/xen-present.js';

// The contract suite against real libxl. Runs only inside the Xen lab's dom0:
//   pnpm lab exec -- sh -c 'cd /work/main/packages/hypervisor && XENDECK_LAB_TESTS=1 node ../../node_modules/vitest/vitest.mjs run test/libxl.lab.test.ts'
const run = promisify(execFile);
const xl = existsSync('/usr/sbin/xl') ? '/usr/sbin/xl' : 'xl';
const guestConfigPath = process.env.XENDECK_LAB_GUEST_CONFIG ?? '/etc/xen/xdtest-pv.cfg';
const guestName = process.env.XENDECK_LAB_GUEST_NAME ?? 'xdtest-pv';
const hvmConfigPath = process.env.XENDECK_LAB_HVM_CONFIG ?? '/etc/xen/xdtest-hvm.cfg';
const hvmName = process.env.XENDECK_LAB_HVM_NAME ?? 'xdtest-hvm';
/** Name prefix of the guests the disk and CD-ROM cases create (`<prefix>disks-pv`, `<prefix>cd-hvm`). */
const diskGuestPrefix = process.env.XENDECK_LAB_GUEST_PREFIX ?? 'xdtest-';
/** The lab's ISO (lab/README.md); the CD-ROM cases also insert a copy of it. */
const labIso = '/var/lib/xendeck-lab/iso/ipxe.iso';
/** The lab's PV kernel and initramfs (as in /etc/xen/xdtest-pv.cfg). */
const labGuests = '/var/lib/xendeck-lab/guests';

/**
 * What QEMU has in the IDE drive `vdev` of domain `domid`, asked over libxl's QMP socket
 * (/var/run/xen/qmp-libxl-<domid>; libxl connects only during its own operations): `query-block`
 * finds the drive (qdev `ide-<devid>`; `inserted` absent = empty); libxl hands QEMU the image as
 * an fd (`/dev/fdset/N`), whose path is in the fd set's `opaque` ("raw:<path>", `query-fdsets`).
 */
async function qemuMedium(domid: number, devid: number): Promise<string | null> {
  const replies: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    const s = connect(`/var/run/xen/qmp-libxl-${domid}`);
    const cmds = ['qmp_capabilities', 'query-block', 'query-fdsets'];
    let buf = '';
    s.on('error', reject);
    s.on('close', () => resolve());
    s.on('data', (b: Buffer) => {
      buf += b.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const msg = JSON.parse(buf.slice(0, i)) as {
          QMP?: unknown;
          return?: unknown;
          error?: unknown;
        };
        buf = buf.slice(i + 1);
        if (msg.error) reject(new Error(`QMP: ${JSON.stringify(msg.error)}`));
        if (msg.return !== undefined) replies.push(msg.return);
        if (msg.QMP !== undefined || msg.return !== undefined) {
          const next = cmds.shift();
          if (next) s.write(`${JSON.stringify({ execute: next })}\n`);
          else s.end();
        }
      }
    });
  });
  const blocks = replies[1] as { qdev?: string; inserted?: { file: string } }[];
  const fdsets = replies[2] as { 'fdset-id': number; fds: { opaque?: string }[] }[];
  const drive = blocks.find((b) => b.qdev === `ide-${devid}`);
  if (!drive) throw new Error(`QEMU has no drive ide-${devid}: ${JSON.stringify(blocks)}`);
  if (!drive.inserted) return null;
  const fdset = /^\/dev\/fdset\/(\d+)$/.exec(drive.inserted.file);
  if (!fdset) return drive.inserted.file;
  const opaque = fdsets.find((f) => f['fdset-id'] === Number(fdset[1]))?.fds[0]?.opaque ?? '';
  return opaque.replace(/^[a-z0-9]+:/, '');
}

/** Device number of an IDE vdev (hda 768, hdb 832, hdc 5632, hdd 5696), as libxl computes it. */
function ideDevid(vdev: string): number {
  const n = 'abcd'.indexOf(vdev.slice(2));
  if (!/^hd[a-d]$/.test(vdev) || n < 0) throw new Error(`not an IDE vdev: ${vdev}`);
  return ((n < 2 ? 3 : 22) << 8) | ((n % 2) << 6);
}

/**
 * `xl vcpu-list NAME`, parsed: one row per vCPU (`NAME ID VCPU CPU STATE TIME HARD / SOFT`); the
 * state's third letter is `p` for an offline vCPU; affinities are cpumaps (`all`, `0-1`) read
 * with xl-config's parseCpumap against `xl info`'s nr_cpus.
 */
async function xlVcpuList(
  name: string,
): Promise<{ vcpu: number; online: boolean; hard: number[]; soft: number[] }[]> {
  const nrCpus = Number(/^nr_cpus\s*:\s*(\d+)/m.exec((await run(xl, ['info'])).stdout)?.[1]);
  const { stdout } = await run(xl, ['vcpu-list', name]);
  const cpus = (text: string | undefined) => {
    const r = parseCpumap(text ?? '', nrCpus);
    if (!r.ok) throw new Error(`xl vcpu-list affinity "${text}": ${r.message}`);
    return r.cpus;
  };
  return stdout
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return { vcpu: Number(f[2]), online: f[4]?.[2] !== 'p', hard: cpus(f[6]), soft: cpus(f[8]) };
    });
}

/** `xl sched-credit2 -d NAME`, parsed (`Name ID Weight Cap`). */
async function xlSchedCredit2(name: string): Promise<{ weight: number; cap: number }> {
  const { stdout } = await run(xl, ['sched-credit2', '-d', name]);
  const f = stdout.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
  return { weight: Number(f[2]), cap: Number(f[3]) };
}

const reason =
  process.env.XENDECK_LAB_TESTS !== '1'
    ? 'XENDECK_LAB_TESTS=1 is not set'
    : !xenPresent()
      ? 'this machine has no /dev/xen/privcmd (not a Xen dom0)'
      : undefined;

if (reason) {
  describe('Hypervisor contract: libxl (Xen lab)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
  console.log(`libxl lab contract suite skipped: ${reason}`);
} else {
  describeHypervisorContract(
    'libxl (Xen lab)',
    async () => {
      const host = await openLibxlHost();
      // The disk and CD-ROM guests: a PV guest on a small image file (qdisk), an HVM guest
      // booting the lab ISO from hdc; and a copy of the ISO to insert.
      const dir = await mkdtemp(join(tmpdir(), 'xendeck-lab-disks-'));
      const pvImage = join(dir, 'pv-disk.img');
      await writeFile(pvImage, '');
      await truncate(pvImage, 16 * 1024 * 1024);
      const otherIsoPath = join(dir, 'ipxe-copy.iso');
      await copyFile(labIso, otherIsoPath);
      /** Writes a guest config `<dir>/<file>` naming the guest `<prefix><suffix>`; returns both. */
      const guest = async (file: string, suffix: string, settings: string[]) => {
        const name = `${diskGuestPrefix}${suffix}`;
        const configPath = join(dir, file);
        const lines = [`name = "${name}"`, ...settings, 'on_reboot = "destroy"', ''];
        await writeFile(configPath, lines.join('\n'));
        return { name, configPath };
      };
      const pvGuest = await guest('disks-pv.cfg', 'disks-pv', [
        'type = "pv"',
        'memory = 128',
        `kernel = "${labGuests}/vmlinuz"`,
        `ramdisk = "${labGuests}/busybox-initrd.gz"`,
        'extra = "console=hvc0"',
        `disk = [ 'format=raw, vdev=xvda, access=rw, target=${pvImage}' ]`,
      ]);
      const cdGuest = await guest('cd-hvm.cfg', 'cd-hvm', [
        'type = "hvm"',
        'memory = 256',
        `disk = [ 'file:${labIso},hdc:cdrom,r' ]`,
        'boot = "d"',
        'vnc = 1',
        'vnclisten = "127.0.0.1"',
      ]);
      // The vCPU guest: PV, one vCPU online of two (the lab's busybox initramfs has no udev).
      const vcpuGuest = await guest('vcpus-pv.cfg', 'vcpus-pv', [
        'type = "pv"',
        'memory = 128',
        'vcpus = 1',
        'maxvcpus = 2',
        `kernel = "${labGuests}/vmlinuz"`,
        `ramdisk = "${labGuests}/busybox-initrd.gz"`,
        'extra = "console=hvc0"',
      ]);
      return {
        host,
        guestConfigPath,
        guestName,
        outside: {
          destroy: async (name) => {
            await run(xl, ['destroy', name]);
          },
          pause: async (name) => {
            await run(xl, ['pause', name]);
          },
          // The guest kernel panics (`echo c > /proc/sysrq-trigger` typed on its PV console; the
          // lab kernel ignores `xl sysrq`), and Xen keeps it as crashed only when its config says
          // on_crash = "preserve": the case runs with such a config (README, Domain rules), else skips.
          ...(/^\s*on_crash\s*=\s*["']preserve["']/m.test(readFileSync(guestConfigPath, 'utf8'))
            ? {
                crash: async (name: string) => {
                  const domid = await host.domidByName(name);
                  if (domid === undefined) throw new Error(`no domain ${name} to crash`);
                  const c = await host.openTextConsole(domid, 'pv');
                  try {
                    c.write(Buffer.from('\recho c > /proc/sysrq-trigger\r'));
                    await new Promise((r) => setTimeout(r, 2_000));
                  } finally {
                    c.close();
                  }
                },
              }
            : {}),
        },
        teardown: async () => {
          await host.close();
          await rm(dir, { recursive: true, force: true });
        },
        // The lab's HVM guest: VNC on loopback, no vncpasswd (Debian 12's device model has no DES:
        // lab/README.md, Consoles).
        hvmGuest: existsSync(hvmConfigPath)
          ? { configPath: hvmConfigPath, name: hvmName }
          : undefined,
        vcpuGuest: {
          ...vcpuGuest,
          // What udev would do in a full guest: write to sysfs, here over the PV console.
          bringOnline: async (domid, vcpus) => {
            const c = await host.openTextConsole(domid, 'pv');
            try {
              const cmds = vcpus.map((v) => `echo 1 > /sys/devices/system/cpu/cpu${v}/online`);
              c.write(Buffer.from(`${cmds.join('; ')}\r`));
              await new Promise((r) => setTimeout(r, 500));
            } finally {
              c.close();
            }
          },
          // The busybox init prints "shell on the console" (lab/README.md); Enter shows a prompt.
          waitBooted: async (domid) => {
            let seen = '';
            for (let i = 0; i < 300 && !/shell on the console|:\/# /.test(seen); i++) {
              try {
                const c = await host.openTextConsole(domid, 'pv');
                c.onData((b) => {
                  seen += b.toString('latin1');
                });
                c.write(Buffer.from('\r'));
                await new Promise((r) => setTimeout(r, 1_000));
                c.close();
              } catch {
                await new Promise((r) => setTimeout(r, 1_000));
              }
            }
            if (!/shell on the console|:\/# /.test(seen))
              throw new Error('the vCPU guest did not boot');
          },
          xlView: { vcpus: xlVcpuList, credit2: xlSchedCredit2 },
        },
        disks: {
          pv: { ...pvGuest, disk: { vdev: 'xvda', target: pvImage } },
          hvm: {
            ...cdGuest,
            cdromVdev: 'hdc',
            isoPath: labIso,
            otherIsoPath,
          },
          deviceModelMedium: (domid, vdev) => qemuMedium(domid, ideDevid(vdev)),
        },
      };
    },
    { caseTimeoutMs: 240_000, balloonDeadlineMs: 90_000 },
  );
}
