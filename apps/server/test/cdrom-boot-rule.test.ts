/**
 * The one rule of "Eject and boot from disk" (`bootFromDiskEdit`): exact texts before and after,
 * comments and layout kept, the boot order, several CD-ROM drives, the old positional `file:` form.
 */
import { parseDiskSpec, parseXlConfig, toDomainConfig } from '@xendeck/xl-config';
import { describe, expect, it } from 'vitest';
import { bootFromDiskEdit, diskFirstBootOrder } from '../src/domains/boot-from-disk.js';

const EMPTY_HDC = 'format=empty, vdev=hdc, access=ro, devtype=cdrom';

describe('diskFirstBootOrder', () => {
  it('drops the CD and puts the disk first, keeping the other devices in order', () => {
    expect(diskFirstBootOrder('dc')).toBe('c');
    expect(diskFirstBootOrder('d')).toBe('c');
    expect(diskFirstBootOrder('cd')).toBe('c');
    expect(diskFirstBootOrder('c')).toBe('c');
    expect(diskFirstBootOrder('dn')).toBe('cn');
    expect(diskFirstBootOrder('ndc')).toBe('cn');
    expect(diskFirstBootOrder('adc')).toBe('ca');
  });
});

describe('bootFromDiskEdit', () => {
  it('edits boot="dc" and a positional file: ISO spec, keeping every comment and the layout', () => {
    const before = `# web1 — installing Debian 12 (ticket #8812)
name = "web1"
type = "hvm"
memory = 1024   # MiB
boot = "dc"     # CD first while installing
disk = [
    'phy:/dev/vg0/web1,xvda,w',     # root
    # installer:
    'file:/var/lib/xendeck/iso/debian-12.iso,hdc:cdrom,r',
]
vif = [ 'bridge=xenbr0' ]
`;
    const { text, changes } = bootFromDiskEdit(before);
    expect(text).toBe(`# web1 — installing Debian 12 (ticket #8812)
name = "web1"
type = "hvm"
memory = 1024   # MiB
boot = 'c'     # CD first while installing
disk = [
    'phy:/dev/vg0/web1,xvda,w',     # root
    # installer:
    '${EMPTY_HDC}',
]
vif = [ 'bridge=xenbr0' ]
`);
    expect(changes).toEqual([
      { kind: 'boot', before: 'dc', after: 'c' },
      {
        kind: 'cdrom',
        vdev: 'hdc',
        before: 'file:/var/lib/xendeck/iso/debian-12.iso,hdc:cdrom,r',
        after: EMPTY_HDC,
      },
    ]);
    // What xl reads: the disk untouched, an empty CD-ROM drive, no error.
    const read = toDomainConfig(parseXlConfig(text));
    expect(read.errors).toEqual([]);
    expect(read.config.boot).toBe('c');
    expect(read.config.disk?.[0]?.target).toBe('/dev/vg0/web1');
    expect(read.config.disk?.[1]).toMatchObject({
      vdev: 'hdc',
      devtype: 'cdrom',
      format: 'empty',
      access: 'ro',
    });
    expect(read.config.disk?.[1]?.target).toBeUndefined();
  });

  it('turns boot="d" into "c" and leaves a file without boot key without one', () => {
    const d = bootFromDiskEdit(
      `boot="d"\ndisk = [ 'vdev=hdc, devtype=cdrom, target=/srv/x.iso' ]\n`,
    );
    expect(d.text).toBe(`boot='c'\ndisk = [ '${EMPTY_HDC}' ]\n`);
    const none = `name = "a"\ndisk = [ '/srv/x.iso,raw,hdc,cdrom' ]\n`;
    const n = bootFromDiskEdit(none);
    expect(n.text).toBe(`name = "a"\ndisk = [ '${EMPTY_HDC}' ]\n`);
    expect(n.changes.map((c) => c.kind)).toEqual(['cdrom']);
  });

  it('empties every CD-ROM drive and only them, keeping their other settings', () => {
    const before = `boot = "dc"
disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/vg0/a',
         'file:/srv/one.iso,hdc:cdrom,r', 'backend=stor, vdev=hdd, devtype=cdrom, target=/srv/two.iso',
         ',,hde:cdrom,r' ]
`;
    const { text, changes } = bootFromDiskEdit(before);
    expect(changes.map((c) => (c.kind === 'cdrom' ? c.vdev : c.kind))).toEqual([
      'boot',
      'hdc',
      'hdd',
    ]);
    expect(text).toBe(`boot = 'c'
disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/vg0/a',
         '${EMPTY_HDC}', 'format=empty, vdev=hdd, access=ro, devtype=cdrom, backend=stor',
         ',,hde:cdrom,r' ]
`);
    const disks = (parseXlConfig(text).get('disk') as string[]).map((s) => parseDiskSpec(s).disk);
    // The drive that was empty already (target "") and the disk are left as they were.
    expect(disks.map((x) => x?.target)).toEqual(['/dev/vg0/a', undefined, undefined, '']);
    expect(disks.map((x) => x?.format)).toEqual(['raw', 'empty', 'empty', 'empty']);
    expect(disks[2]?.backend).toBe('stor');
  });

  it('changes nothing when the guest already boots from disk with empty drives', () => {
    const text = `boot = "c"\ndisk = [ 'phy:/dev/vg0/a,xvda,w', ',,hdc:cdrom,r' ]\n`;
    expect(bootFromDiskEdit(text)).toEqual({ text, changes: [] });
    const pv = `name = "pv"\nkernel = "/boot/vmlinuz"\ndisk = [ 'phy:/dev/vg0/pv,xvda,w' ]\n`;
    expect(bootFromDiskEdit(pv)).toEqual({ text: pv, changes: [] });
  });

  it('edits the disk list xl reads when it is built with +=', () => {
    const before = `disk = [ 'phy:/dev/vg0/a,xvda,w' ]\ndisk += [ 'file:/srv/i.iso,hdc:cdrom,r' ]\n`;
    expect(bootFromDiskEdit(before).text).toBe(
      `disk = [ 'phy:/dev/vg0/a,xvda,w' ]\ndisk += [ '${EMPTY_HDC}' ]\n`,
    );
  });

  it('refuses a file xl could not read (CONFIG_INVALID), changing nothing', () => {
    expect(() => bootFromDiskEdit('boot = "dc\n')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
