/** The QEMU command line that boots Xen 4.17 with a Debian dom0 under TCG. */

export interface QemuConfig {
  /** Xen ELF (multiboot), dom0 kernel and initramfs. */
  xen: string;
  vmlinuz: string;
  initrd: string;
  /** dom0 root disk (qcow2 overlay) and the vg0 disk (raw). */
  overlay: string;
  vgDisk: string;
  /** Repository root, shared read-only at the same path in dom0. */
  repo: string;
  /** Run share (node binary, env file). */
  share: string;
  serialLog: string;
  pidFile: string;
  /** Host ports on 127.0.0.1 forwarded to dom0's 8080 and 22. */
  httpPort: number;
  sshPort: number;
  /** Guest RAM in MiB (default 3072) and dom0's share of it in MiB (default 1536). */
  memoryMiB?: number;
  dom0MemMiB?: number;
  cpus?: number;
}

/**
 * Xen's command line. `smap=0 smep=0` are required for a PV dom0 under TCG. `spec-ctrl=eager-fpu`
 * makes Xen save and restore a vCPU's FPU/SSE/AVX state at every context switch instead of lazily
 * on the first #NM trap: with TCG's AMD-flavoured `-cpu max`, Xen picks lazy switching, and while a
 * guest kept its vCPU busy, multi-threaded processes in dom0 (Node's garbage collector) died with
 * SIGSEGV (3 of 3 runs; 0 of 2 with the guest paused).
 */
export function xenCmdline(dom0MemMiB: number): string {
  return [
    `dom0_mem=${dom0MemMiB}M,max:${dom0MemMiB}M`,
    'console=com1',
    'com1=115200',
    'noreboot',
    'smap=0',
    'smep=0',
    'spec-ctrl=eager-fpu',
    'loglvl=warning',
  ].join(' ');
}

/** dom0 Linux command line; `xendeck.repo=` tells dom0 where to mount the repository. */
export function dom0Cmdline(repo: string): string {
  return `root=/dev/vda ro console=hvc0 quiet xendeck.repo=${repo}`;
}

/** Rejects values QEMU's option parser would split (`,`) and that break kernel command lines. */
function plain(value: string, what: string): string {
  if (/[,\s]/.test(value))
    throw new Error(`${what} '${value}' must not contain commas or whitespace`);
  return value;
}

/** Argument array for `qemu-system-x86_64` (no TTY, no stdin: `-display none`, serial to a file). */
export function qemuArgs(c: QemuConfig): string[] {
  const mem = c.memoryMiB ?? 3072;
  const dom0 = c.dom0MemMiB ?? 1536;
  for (const port of [c.httpPort, c.sshPort]) {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`invalid port ${port}`);
  }
  return [
    '-name',
    'xendeck-lab',
    '-machine',
    'q35',
    '-accel',
    'tcg',
    '-cpu',
    'max',
    '-m',
    String(mem),
    '-smp',
    String(c.cpus ?? 2),
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    `file:${plain(c.serialLog, 'serial log path')}`,
    '-no-reboot',
    '-pidfile',
    plain(c.pidFile, 'pid file path'),
    '-kernel',
    plain(c.xen, 'Xen path'),
    '-append',
    xenCmdline(dom0),
    '-initrd',
    `${plain(c.vmlinuz, 'dom0 kernel path')} ${dom0Cmdline(plain(c.repo, 'repository path'))},${plain(c.initrd, 'dom0 initrd path')}`,
    '-drive',
    `file=${plain(c.overlay, 'overlay path')},if=virtio,format=qcow2`,
    '-drive',
    `file=${plain(c.vgDisk, 'vg disk path')},if=virtio,format=raw`,
    '-netdev',
    `user,id=n0,hostfwd=tcp:127.0.0.1:${c.httpPort}-:8080,hostfwd=tcp:127.0.0.1:${c.sshPort}-:22`,
    '-device',
    'virtio-net-pci,netdev=n0',
    '-virtfs',
    `local,path=${c.repo},mount_tag=xendeck-repo,security_model=none,readonly=on`,
    '-virtfs',
    `local,path=${plain(c.share, 'share path')},mount_tag=xendeck-run,security_model=none,readonly=on`,
  ];
}
