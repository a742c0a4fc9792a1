import { describe, expect, it } from 'vitest';
import { dom0Cmdline, type QemuConfig, qemuArgs, xenCmdline } from '../src/qemu.js';

const cfg: QemuConfig = {
  xen: '/c/img/xen.elf',
  vmlinuz: '/c/img/vmlinuz',
  initrd: '/c/img/initrd.img',
  overlay: '/c/run/dom0.qcow2',
  vgDisk: '/c/run/vg.img',
  repo: '/work/main',
  share: '/c/run/share',
  serialLog: '/c/run/serial.log',
  pidFile: '/c/run/qemu.pid',
  httpPort: 8080,
  sshPort: 2222,
};

const valuesOf = (args: string[], flag: string): string[] =>
  args.flatMap((a, i) => (a === flag && args[i + 1] !== undefined ? [args[i + 1] as string] : []));

describe('qemuArgs', () => {
  const args = qemuArgs(cfg);

  it('runs TCG with no display, no monitor, serial to the log file', () => {
    expect(valuesOf(args, '-accel')).toEqual(['tcg']);
    expect(valuesOf(args, '-display')).toEqual(['none']);
    expect(valuesOf(args, '-monitor')).toEqual(['none']);
    expect(valuesOf(args, '-serial')).toEqual(['file:/c/run/serial.log']);
    expect(args).not.toContain('-nographic');
    expect(args).not.toContain('-enable-kvm');
  });

  it('boots Xen with dom0 kernel + cmdline and initrd as multiboot modules', () => {
    expect(valuesOf(args, '-kernel')).toEqual(['/c/img/xen.elf']);
    expect(valuesOf(args, '-append')[0]).toContain('smap=0 smep=0');
    expect(valuesOf(args, '-append')[0]).toContain('spec-ctrl=eager-fpu');
    expect(valuesOf(args, '-append')[0]).toContain('dom0_mem=1536M,max:1536M');
    expect(valuesOf(args, '-initrd')).toEqual([
      '/c/img/vmlinuz root=/dev/vda ro console=hvc0 quiet xendeck.repo=/work/main,/c/img/initrd.img',
    ]);
  });

  it('forwards only 127.0.0.1 ports and shares repo and run dir read-only', () => {
    const net = valuesOf(args, '-netdev')[0] ?? '';
    expect(net).toContain('hostfwd=tcp:127.0.0.1:8080-:8080');
    expect(net).toContain('hostfwd=tcp:127.0.0.1:2222-:22');
    expect(net).not.toMatch(/hostfwd=tcp::/);
    expect(valuesOf(args, '-virtfs')).toEqual([
      'local,path=/work/main,mount_tag=xendeck-repo,security_model=none,readonly=on',
      'local,path=/c/run/share,mount_tag=xendeck-run,security_model=none,readonly=on',
    ]);
    expect(valuesOf(args, '-drive')).toEqual([
      'file=/c/run/dom0.qcow2,if=virtio,format=qcow2',
      'file=/c/run/vg.img,if=virtio,format=raw',
    ]);
  });

  it('rejects paths QEMU would split and bad ports', () => {
    expect(() => qemuArgs({ ...cfg, repo: '/work/a,b' })).toThrow(/repository path.*commas/);
    expect(() => qemuArgs({ ...cfg, overlay: '/x y/o.qcow2' })).toThrow(/overlay path/);
    expect(() => qemuArgs({ ...cfg, httpPort: 70000 })).toThrow(/invalid port/);
  });

  it('builds the command lines', () => {
    expect(xenCmdline(1024)).toMatch(/^dom0_mem=1024M,max:1024M console=com1/);
    expect(dom0Cmdline('/r')).toBe('root=/dev/vda ro console=hvc0 quiet xendeck.repo=/r');
  });
});
