import { describe, expect, it } from 'vitest';
import {
  configFormDomainConfig,
  type DomainConfig,
  formatXlConfig,
  GUEST_PROFILES,
  type GuestSettings,
  type GuestSpec,
  guestCommands,
  guestDiskVdevs,
  guestDomainConfig,
  guestMac,
  guestNewImages,
  guestNewVolumes,
  guestPreview,
  guestProblems,
  guestSpecFromSettings,
  guestVolumeName,
  MAC_PATTERN,
  newConfigText,
  parseXlConfig,
  readDomainConfig,
  toDomainConfig,
} from '../src/index.js';

/** Writes the model, reads it back as xl would, and checks nothing changed or was refused. */
function roundTrip(config: DomainConfig): string {
  const text = formatXlConfig(config);
  const back = toDomainConfig(parseXlConfig(text));
  expect(back.errors).toEqual([]);
  expect(back.warnings).toEqual([]);
  expect(back.config).toEqual(config);
  return text;
}

const HOST = { isoDir: '/var/lib/xendeck/iso', imageDir: '/var/lib/xen/images' };

/** The issue's example request (with a MAC, as the web sends it). */
const EXAMPLE: GuestSettings = {
  name: 'web1',
  type: 'hvm',
  profile: 'linux',
  memoryMiB: 1024,
  vcpus: 2,
  disks: [{ volumeGroup: 'vg0', sizeBytes: 10737418240 }],
  cdrom: 'debian-12.iso',
  network: { bridge: 'xenbr0', mac: '00:16:3e:12:34:56' },
};

describe('guestDomainConfig', () => {
  it('maps the issue’s example (Linux HVM, new LV, ISO, bridge) to the file xl reads back', () => {
    const spec = guestSpecFromSettings(EXAMPLE, HOST);
    expect(spec.disks).toEqual([{ target: '/dev/vg0/web1-disk0' }]);
    expect(spec.cdrom).toBe('/var/lib/xendeck/iso/debian-12.iso');
    const text = roundTrip(guestDomainConfig(spec));
    expect(text).toBe(
      [
        "name = 'web1'",
        "type = 'hvm'",
        'memory = 1024',
        'vcpus = 2',
        'disk = [',
        "    'format=raw, vdev=xvda, access=rw, target=/dev/vg0/web1-disk0',",
        "    'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/var/lib/xendeck/iso/debian-12.iso',",
        ']',
        "vif = [ 'mac=00:16:3e:12:34:56, bridge=xenbr0' ]",
        "boot = 'dc'",
        'vnc = 1',
        "vnclisten = '127.0.0.1'",
        "serial = [ 'pty' ]",
        'usb = 1',
        "usbdevice = [ 'tablet' ]",
        '',
      ].join('\n'),
    );
  });

  it('Windows profile: viridian, stdvga with 16 MiB, USB tablet, AHCI, localtime, e1000 with the fixed MAC', () => {
    const spec: GuestSpec = {
      name: 'win1',
      type: 'hvm',
      profile: 'windows',
      memoryMiB: 4096,
      vcpus: 2,
      disks: [{ target: '/dev/vg0/win1-disk0' }, { target: '/var/lib/xen/images/data.img' }],
      cdrom: '/var/lib/xendeck/iso/win.iso',
      network: { bridge: 'xenbr0', mac: '00:16:3E:0A:0B:0C' },
      vnc: { enabled: true, password: 's3cret' },
    };
    const c = guestDomainConfig(spec);
    const text = roundTrip(c);
    const r = readDomainConfig(text);
    expect(r.config).toMatchObject({
      viridian: true,
      vga: 'stdvga',
      videoramMiB: 16,
      usb: true,
      usbdevice: ['tablet'],
      localtime: true,
      boot: 'dc',
      vncpasswd: 's3cret',
      other: { hdtype: 'ahci' },
    });
    for (const line of [
      'viridian = 1',
      "vga = 'stdvga'",
      'videoram = 16',
      'usb = 1',
      "usbdevice = [ 'tablet' ]",
      'localtime = 1',
      "hdtype = 'ahci'",
      "vif = [ 'mac=00:16:3e:0a:0b:0c, bridge=xenbr0, model=e1000' ]",
    ])
      expect(text.split('\n')).toContain(line);
    // HVM skips xvdc: the CD-ROM drive hdc is the same emulated disk number (2)
    expect(c.disk?.map((d) => d.vdev)).toEqual(['xvda', 'xvdb', 'hdc']);
  });

  it('HVM "other": qemu defaults, an empty CD-ROM drive for later cd-insert, boot from disk, VNC off', () => {
    const c = guestDomainConfig({
      name: 'old',
      type: 'hvm',
      memoryMiB: 256,
      vcpus: 1,
      disks: [{ target: '/dev/vg0/old' }],
      vnc: { enabled: false, password: 'ignored' },
    });
    roundTrip(c);
    expect(c.boot).toBe('c');
    expect(c.vnc).toBe(false);
    expect(c.vnclisten).toBeUndefined();
    expect(c.vncpasswd).toBeUndefined();
    expect(c.usb).toBeUndefined();
    expect(c.vga).toBeUndefined();
    expect(c.disk?.[1]).toMatchObject({ vdev: 'hdc', devtype: 'cdrom', format: 'empty' });
    expect(c.disk?.[1]?.target).toBeUndefined();
    expect(c.vif).toBeUndefined();
  });

  it('PV with kernel + ramdisk + extra: direct boot, xvd disks, no HVM settings', () => {
    const c = guestDomainConfig({
      name: 'pv1',
      type: 'pv',
      memoryMiB: 256,
      maxmemMiB: 512,
      vcpus: 1,
      maxvcpus: 2,
      kernel: '/var/lib/xen/images/vmlinuz',
      ramdisk: '/var/lib/xen/images/initrd.img',
      extra: 'console=hvc0',
      disks: [{ target: '/dev/vg0/a' }, { target: '/dev/vg0/b' }, { target: '/dev/vg0/c' }],
      network: { bridge: 'xenbr0', mac: '00:16:3e:00:00:01' },
      onPoweroff: 'destroy',
      onReboot: 'restart',
      onCrash: 'preserve',
    });
    const text = roundTrip(c);
    expect(c.disk?.map((d) => d.vdev)).toEqual(['xvda', 'xvdb', 'xvdc']);
    for (const k of ['boot', 'vnc', 'serial', 'usb', 'viridian'] as const)
      expect(c[k]).toBeUndefined();
    expect(text).toContain("kernel = '/var/lib/xen/images/vmlinuz'\n");
    expect(text).toContain("ramdisk = '/var/lib/xen/images/initrd.img'\n");
    expect(text).toContain("extra = 'console=hvc0'\n");
    expect(text).toContain("on_crash = 'preserve'\n");
    expect(text).toContain('maxmem = 512\n');
    expect(text).toContain('maxvcpus = 2\n');
  });

  it('PV with pygrub and PVH with a kernel', () => {
    const pv = guestDomainConfig({
      name: 'g',
      type: 'pv',
      bootloader: 'pygrub',
      memoryMiB: 512,
      vcpus: 1,
      disks: [{ target: '/dev/vg0/g' }],
    });
    expect(roundTrip(pv)).toContain("bootloader = 'pygrub'\n");
    expect(pv.kernel).toBeUndefined();
    const pvh = guestDomainConfig({
      name: 'h',
      type: 'pvh',
      kernel: '/boot/vmlinuz',
      memoryMiB: 512,
      vcpus: 1,
      disks: [],
    });
    expect(roundTrip(pvh)).toBe(
      "name = 'h'\ntype = 'pvh'\nmemory = 512\nvcpus = 1\nkernel = '/boot/vmlinuz'\n",
    );
  });

  it.each([
    [{ type: 'pv', kernel: '/k', cdrom: '/x.iso' }, /CD-ROM is for HVM/],
    [{ type: 'pvh', kernel: '/k', vnc: { enabled: true } }, /vnc is for HVM/],
    [{ type: 'pv', kernel: '/k', profile: 'linux' }, /profile is for HVM/],
    [{ type: 'hvm', kernel: '/k' }, /not a dom0 kernel/],
    [{ type: 'hvm', bootloader: 'pygrub' }, /pygrub is for PV/],
    [{ type: 'pvh' }, /PVH guest needs a kernel/],
    [{ type: 'pv' }, /kernel: a PV guest needs a kernel \(dom0 path\) or pygrub/],
    [{ type: 'pv', bootloader: 'pygrub', extra: 'x' }, /extra: extra needs a kernel/],
  ] as const)('refuses contradicting settings %j', (extra, message) => {
    expect(() =>
      guestDomainConfig({ name: 'x', memoryMiB: 256, vcpus: 1, disks: [], ...extra }),
    ).toThrow(message);
  });
});

describe('guestProblems', () => {
  it('names each contradiction by its settings path', () => {
    expect(
      guestProblems({
        name: 'x',
        type: 'hvm',
        memoryMiB: 512,
        maxmemMiB: 256,
        vcpus: 2,
        maxvcpus: 1,
        kernel: '/k',
        bootloader: 'pygrub',
        disks: new Array(17).fill({ imageFile: 'a.img' }),
        network: { bridge: 'xenbr0', mac: '00:16:3e:zz:00:00' },
      }).map((p) => p.path),
    ).toEqual([
      'kernel',
      'bootloader',
      'bootloader',
      'maxmemMiB',
      'maxvcpus',
      'disks',
      'network.mac',
    ]);
    expect(
      guestProblems({
        name: 'x',
        type: 'pvh',
        memoryMiB: 512,
        vcpus: 1,
        disks: [],
        cdrom: 'a.iso',
        vnc: { enabled: true },
        profile: 'windows',
        ramdisk: '/r',
      }).map((p) => p.path),
    ).toEqual(['cdrom', 'vnc', 'profile', 'kernel', 'ramdisk']);
    expect(
      guestProblems({
        name: 'x',
        type: 'hvm',
        profile: 'windows',
        memoryMiB: 512,
        vcpus: 1,
        disks: [],
      }),
    ).toEqual([]);
  });
});

describe('guest helpers', () => {
  it('names new volumes <guest>-disk<i> after their index among all disks', () => {
    expect(guestVolumeName('web1', 0)).toBe('web1-disk0');
    const settings = {
      name: 'web1',
      disks: [
        { volumeGroup: 'vg0', volume: 'old' },
        { volumeGroup: 'vg1', sizeBytes: 1024 },
        { imageFile: 'x.img' },
      ],
    };
    expect(guestNewVolumes(settings)).toEqual([
      { volumeGroup: 'vg1', name: 'web1-disk1', sizeBytes: 1024 },
    ]);
    expect(
      guestSpecFromSettings(
        { ...settings, type: 'pv', bootloader: 'pygrub', memoryMiB: 256, vcpus: 1 },
        { ...HOST, imageDir: '/srv/img/' },
      ).disks,
    ).toEqual([
      { target: '/dev/vg0/old' },
      { target: '/dev/vg1/web1-disk1' },
      { target: '/srv/img/x.img' },
    ]);
  });

  it('lists new sparse image files with their dom0 paths', () => {
    expect(
      guestNewImages(
        { disks: [{ imageFile: 'old.img' }, { imageFile: 'new.img', sizeBytes: 4096 }] },
        HOST,
      ),
    ).toEqual([{ path: '/var/lib/xen/images/new.img', sizeBytes: 4096 }]);
    expect(
      guestCommands({
        configPath: '/etc/xen/a.cfg',
        newVolumes: [],
        newImages: [{ path: '/var/lib/xen/images/new.img', sizeBytes: 4096 }],
        start: false,
      }),
    ).toEqual(['truncate --size 4096 /var/lib/xen/images/new.img']);
  });

  it('gives HVM vdevs that never collide with the CD-ROM drive', () => {
    expect(guestDiskVdevs('pvh', 4)).toEqual(['xvda', 'xvdb', 'xvdc', 'xvdd']);
    expect(guestDiskVdevs('hvm', 4)).toEqual(['xvda', 'xvdb', 'xvdd', 'xvde']);
    expect(guestDiskVdevs('hvm', 16)).toHaveLength(16);
    expect(guestDiskVdevs('hvm', 16)).not.toContain('xvdc');
  });

  it('makes MACs in Xen’s OUI from random bytes, as libxl does', () => {
    expect(guestMac([0xff, 0xab, 0x01])).toBe('00:16:3e:7f:ab:01');
    expect(guestMac(new Uint8Array([0x12, 0x00, 0xfe]))).toBe('00:16:3e:12:00:fe');
    expect(MAC_PATTERN.test(guestMac([1, 2, 3]))).toBe(true);
    expect(() => guestMac([1, 2])).toThrow(TypeError);
  });

  it('lists the equivalent commands: lvcreate per new volume, xl create when started', () => {
    expect(
      guestCommands({
        configPath: '/etc/xen/web1.cfg',
        newVolumes: [{ volumeGroup: 'vg0', name: 'web1-disk0', sizeBytes: 10737418240 }],
        start: true,
      }),
    ).toEqual([
      'lvcreate --yes --wipesignatures y -L 10737418240b -n web1-disk0 vg0',
      'xl create /etc/xen/web1.cfg',
    ]);
    expect(guestCommands({ configPath: "/etc/x en/a'b.cfg", newVolumes: [], start: true })).toEqual(
      [`xl create '/etc/x en/a'\\''b.cfg'`],
    );
    expect(guestCommands({ configPath: '/etc/xen/a.cfg', newVolumes: [], start: false })).toEqual(
      [],
    );
  });

  it('previews a request: header line, the config, its path and the commands', () => {
    const p = guestPreview(
      { ...EXAMPLE, network: { bridge: 'xenbr0', mac: '00:16:3e:01:02:03' }, start: true },
      { ...HOST, configDir: '/etc/xen' },
      { user: 'admin', createdAt: new Date('2026-11-30T12:00:00Z') },
    );
    expect(p.configPath).toBe('/etc/xen/web1.cfg');
    expect(p.configText.split('\n')[0]).toBe(
      '# web1: created by Xendeck (user admin, 2026-11-30T12:00:00.000Z).',
    );
    expect(readDomainConfig(p.configText).config).toEqual(p.config);
    expect(p.commands).toEqual([
      'lvcreate --yes --wipesignatures y -L 10737418240b -n web1-disk0 vg0',
      'xl create /etc/xen/web1.cfg',
    ]);
  });

  it('profiles: Windows suggests 2 GiB and 2 vCPUs', () => {
    expect(GUEST_PROFILES.windows).toMatchObject({ minMemoryMiB: 2048, minVcpus: 2 });
  });
});

describe('configFormDomainConfig (POST /api/v1/configs model)', () => {
  it('maps the form’s fields as the guest mapping does and reads the specs as xl does', () => {
    const { config, issues } = configFormDomainConfig('f1', {
      type: 'hvm',
      memoryMiB: 512,
      vcpus: 1,
      disk: ['phy:/dev/vg0/f1,xvda,w', 'file:/isos/x.iso,hdc:cdrom,r'],
      vif: ['bridge=xenbr0'],
      boot: 'd',
      vnc: true,
      vnclisten: '127.0.0.1',
      serial: 'pty',
      onCrash: 'destroy',
    });
    expect(issues).toEqual([]);
    roundTrip(config);
    expect(config.disk?.map((d) => [d.vdev, d.target, d.devtype])).toEqual([
      ['xvda', '/dev/vg0/f1', 'disk'],
      ['hdc', '/isos/x.iso', 'cdrom'],
    ]);
    expect(config).toMatchObject({ name: 'f1', boot: 'd', serial: ['pty'], onCrash: 'destroy' });
  });

  it('reports specs xl would refuse or warn about, by path, and leaves them out', () => {
    const { config, issues } = configFormDomainConfig('', {
      type: 'pv',
      kernel: '/k',
      memoryMiB: 256,
      vcpus: 1,
      disk: ['phy:/dev/vg0/a,xvda,w', 'nonsense'],
      vif: ['bridge=xenbr0', 'bogus=1'],
    });
    expect(issues.map((i) => i.path)).toEqual(['disk.1', 'vif.1']);
    expect(config.name).toBeUndefined();
    expect(config.disk).toHaveLength(1);
    expect(config.vif).toHaveLength(1);
  });

  it('writes no disk/vif line when there are none', () => {
    const text = newConfigText(
      configFormDomainConfig('e', {
        type: 'pvh',
        kernel: '/k',
        memoryMiB: 256,
        vcpus: 1,
        disk: [],
        vif: [],
      }).config,
      { user: 'u', createdAt: new Date(0) },
    );
    expect(text).not.toMatch(/^disk|^vif/m);
    expect(text.startsWith('# e: created by Xendeck (user u, 1970-01-01T00:00:00.000Z).\n')).toBe(
      true,
    );
  });
});
