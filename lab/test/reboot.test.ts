/**
 * `pnpm lab reboot`, the pure parts: the relaunch boots the same run directory (overlay, vg disk)
 * with `-no-reboot` (so a reset of dom0 ends QEMU), and the serial log's shutdown markers.
 */
import { describe, expect, it } from 'vitest';
import { labQemuConfig, previousSerialLog, shutdownSeen } from '../src/lab.js';
import { imageFiles, labPaths } from '../src/paths.js';
import { qemuArgs } from '../src/qemu.js';

const paths = labPaths({ XDG_CACHE_HOME: '/c', HOME: '/home/x' });
const image = imageFiles(paths.images, 'abc123');
const drives = (args: string[]) => args.filter((_, i) => args[i - 1] === '-drive');

describe('the relaunch after a reboot', () => {
  it("boots the run directory's overlay and vg disk, not fresh ones, on the same ports", () => {
    const cfg = labQemuConfig(paths, image, { httpPort: 8090, sshPort: 2232 });
    expect(cfg.overlay).toBe('/c/xendeck/lab/run/dom0.qcow2');
    expect(cfg.vgDisk).toBe('/c/xendeck/lab/run/vg.img');
    const args = qemuArgs(cfg);
    expect(drives(args)).toEqual([
      'file=/c/xendeck/lab/run/dom0.qcow2,if=virtio,format=qcow2',
      'file=/c/xendeck/lab/run/vg.img,if=virtio,format=raw',
    ]);
    expect(args.join(' ')).toContain(
      'hostfwd=tcp:127.0.0.1:8090-:8080,hostfwd=tcp:127.0.0.1:2232-:22',
    );
    // A reset of the machine (dom0's reboot) ends QEMU instead of booting in the same process.
    expect(args).toContain('-no-reboot');
    // The same Xen and dom0 kernel of the image the lab booted.
    expect(cfg.xen).toBe('/c/xendeck/lab/images/abc123/xen.elf');
  });

  it("keeps the previous boot's serial log beside the new one", () => {
    expect(previousSerialLog(paths)).toBe('/c/xendeck/lab/run/serial.prev.log');
    expect(previousSerialLog(paths)).not.toBe(paths.serialLog);
  });
});

describe('shutdownSeen', () => {
  it("recognises Xen's reset and ACPI S5, and nothing while dom0 runs", () => {
    expect(shutdownSeen('(XEN) Hardware Dom0 shutdown: rebooting machine\n')).toBe('reboot');
    expect(
      shutdownSeen('(XEN) Preparing system for ACPI S5 state.\n(XEN) Entering ACPI S5 state.\n'),
    ).toBe('poweroff');
    expect(shutdownSeen('[  OK  ] Stopped xendomains.service\nxendeck-lab login:')).toBeUndefined();
    expect(shutdownSeen('')).toBeUndefined();
  });
});
