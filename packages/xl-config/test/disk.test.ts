import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiskSpec, formatDiskSpec, parseDiskSpec } from '../src/index.js';
import { decodeValue, runHarness } from './harness/harness.mjs';

const harness = process.env.XLU_HARNESS;

/** Examples from xl-disk-configuration(5) and from hosters' files. */
const diskSpecs = [
  '/dev/vg/guest-volume,raw,xvda,rw',
  '/root/image.iso,,hdc,cdrom',
  'format=raw, vdev=xvda, access=w, target=/dev/vg0/guest1',
  'phy:/dev/vg0/guest1,xvda,w',
  'file:/srv/xen/guest.img,xvda1,w',
  'tap:aio:/srv/xen/guest.img,xvda,w',
  'tap:qcow2:/srv/xen/guest.qcow2,xvda,w',
  'qcow2:/srv/a.qcow2,xvda,w',
  'raw:/srv/a.img,hda,w',
  'file:/srv/iso/debian.iso,hdc:cdrom,r',
  ',hdc:cdrom,r',
  ',,hdc,devtype=cdrom',
  'vdev=hdc, devtype=cdrom, access=ro',
  'vdev=xvdb, target=/path/with,commas,and=equals',
  'iscsi:iqn.2001-05.com.example:disk1,xvdc,w',
  'nbd:host:1234,xvdd,w',
  'drbd:resource,xvde,w',
  '/dev/sdb,raw,sda,w,backendtype=phy',
  'target=/a, vdev=xvda, backendtype=qdisk, discard, direct-io-safe, specification=virtio',
  'vdev=xvda, backend=driverdom, script=block-custom, target=/x',
  'vdev=xvda, colo, colo-host=h, colo-port=9000, colo-export=e, active-disk=a, hidden-disk=h, target=/x',
  'vdev=xvda,untrusted,no-discard,target=/x',
  '  /dev/vg/x ,  raw ,  xvda  , rw',
  '/dev/vg/x,qcow2,xvda,ro',
  // errors
  '/dev/vg/x',
  '/dev/vg/x,raw,xvda,rw,extra',
  'c:/windows/disk.img,raw,hda,w',
  'foo=bar,/x,raw,xvda',
  'format=vmdk,vdev=xvda,target=/x',
  'access=rwx,vdev=xvda,target=/x',
  'devtype=floppy,vdev=xvda,target=/x',
  'vdev=xvda,vdev=xvdb,target=/x',
  'format=raw,format=qcow2,vdev=xvda,target=/x',
  '/x,raw,xvda:floppy',
  'xvda:',
  'phy:/x,raw=,xvda',
  '=x',
  'colo-port=abc,vdev=xvda,target=/x',
  'cdrom',
  'vdev=hdc,cdrom',
  '',
];

describe('parseDiskSpec', () => {
  it('reads positional specs with libxl defaults', () => {
    expect(parseDiskSpec('/dev/vg/guest-volume,raw,xvda,rw').disk).toEqual({
      target: '/dev/vg/guest-volume',
      vdev: 'xvda',
      format: 'raw',
      access: 'rw',
      devtype: 'disk',
      removable: false,
      directIoSafe: false,
    } satisfies DiskSpec);
    expect(parseDiskSpec('phy:/dev/vg0/a,xvda,r').disk).toMatchObject({
      target: '/dev/vg0/a',
      vdev: 'xvda',
      format: 'raw',
      access: 'ro',
    });
  });
  it('lets target= swallow commas and equals signs', () => {
    expect(parseDiskSpec('vdev=xvdb, target=/path/with,commas,and=equals').disk?.target).toBe(
      '/path/with,commas,and=equals',
    );
  });
  it('reads hdc:cdrom and devtype=cdrom as removable read-only', () => {
    for (const s of ['file:/i.iso,hdc:cdrom,w', 'vdev=hdc,devtype=cdrom,target=/i.iso'])
      expect(parseDiskSpec(s).disk).toMatchObject({
        vdev: 'hdc',
        devtype: 'cdrom',
        removable: true,
        access: 'ro',
      });
    expect(parseDiskSpec(',hdc:cdrom,r').disk).toMatchObject({ target: '', format: 'empty' });
  });
  it('turns deprecated prefixes into format/script', () => {
    expect(parseDiskSpec('qcow2:/a.qcow2,xvda,w').disk?.format).toBe('qcow2');
    expect(parseDiskSpec('iscsi:iqn.x,xvdc,w').disk).toMatchObject({
      script: 'block-iscsi',
      target: 'iqn.x',
    });
  });
  it('reports errors as data with the libxlutil message', () => {
    const r = parseDiskSpec('/dev/vg/x,raw,xvda,rw,extra');
    expect(r.disk).toBeUndefined();
    expect(r.errors[0]).toMatchObject({ code: 'INVALID_DISK_SPEC' });
    expect(r.errors[0]?.message).toContain('too many positional parameters');
    expect(parseDiskSpec('/dev/vg/x').errors[0]?.message).toContain('no vdev specified');
    expect(parseDiskSpec('c:/x.img,raw,hda').errors[0]?.message).toContain(
      'unknown deprecated disk prefix',
    );
  });
  it('formatDiskSpec output parses back to the same disk', () => {
    for (const s of diskSpecs) {
      const d = parseDiskSpec(s).disk;
      if (!d) continue;
      expect(parseDiskSpec(formatDiskSpec(d)).disk, s).toEqual(d);
    }
    expect(formatDiskSpec(parseDiskSpec('phy:/dev/vg0/a,xvda,w').disk as DiskSpec)).toBe(
      'format=raw, vdev=xvda, access=rw, target=/dev/vg0/a',
    );
    expect(() =>
      formatDiskSpec({ ...(parseDiskSpec('/x,raw,xvda').disk as DiskSpec), vdev: 'a,b' }),
    ).toThrow(TypeError);
  });
});

const pieces = fc.constantFrom(
  '/dev/vg/x',
  '/srv/a b.img',
  'xvda',
  'hdc',
  'hdc:cdrom',
  'xvdb:disk',
  'sda:floppy',
  'w',
  'r',
  'rw',
  'ro',
  'raw',
  'qcow2',
  'vhd',
  '',
  'cdrom',
  'devtype=cdrom',
  'devtype=disk',
  'devtype=x',
  'format=qcow2',
  'format=',
  'vdev=xvdc',
  'access=r',
  'access=',
  'target=/a,b',
  'backendtype=phy',
  'backendtype=qdisk',
  'backend=dd',
  'script=block-x',
  'specification=virtio',
  'discard',
  'no-discard',
  'trusted',
  'direct-io-safe',
  'colo-port=7',
  'colo-port=0',
  'foo=bar',
  'phy:',
  'file:',
  'tap:',
  'aio:',
  'qcow2:',
  'raw:',
  'iscsi:',
  'nbd:',
  'c:',
  'x9:',
  ' ',
  '=',
  'a=',
  'target=',
);
const generatedSpec = fc
  .tuple(
    fc.array(pieces, { maxLength: 6 }),
    fc.array(fc.constantFrom(',', ', ', ' ,'), { minLength: 6, maxLength: 6 }),
  )
  .map(([ps, seps]) =>
    ps.map((p, i) => (i === 0 || p.endsWith(':') ? p : (seps[i] ?? ',') + p)).join(''),
  );

function toHarnessShape(d: DiskSpec) {
  const db = (b: boolean | undefined) => (b === undefined ? '<default>' : b ? 'True' : 'False');
  return {
    target: d.target ?? null,
    vdev: d.vdev,
    backend: d.backend ?? null,
    script: d.script ?? null,
    backendtype: d.backendtype ?? 'unknown',
    format: d.format,
    specification: d.specification ?? 'unknown',
    readwrite: d.access === 'rw' ? 1 : 0,
    is_cdrom: d.devtype === 'cdrom' ? 1 : 0,
    removable: d.removable ? 1 : 0,
    direct_io_safe: d.directIoSafe ? 1 : 0,
    discard: db(d.discard),
    colo: db(d.colo),
    trusted: db(undefined),
    colo_host: d.coloHost ?? null,
    colo_port: d.coloPort ?? 0,
    colo_export: d.coloExport ?? null,
    active_disk: d.activeDisk ?? null,
    hidden_disk: d.hiddenDisk ?? null,
  };
}

describe.skipIf(!harness)('differential: parseDiskSpec vs xlu_disk_parse', () => {
  const check = (specs: string[]) => {
    const results = runHarness(harness as string, 'disk', specs);
    const bad: string[] = [];
    let accepted = 0;
    specs.forEach((s, i) => {
      const xl = results[i];
      const ours = parseDiskSpec(s);
      if ((xl.rc === 0) !== (ours.disk !== undefined)) {
        bad.push(
          `${JSON.stringify(s)}: libxlutil rc=${xl.rc} ${Buffer.from(xl.report, 'hex')} vs ${JSON.stringify(ours)}`,
        );
        return;
      }
      if (!ours.disk) return;
      accepted++;
      const want = Object.fromEntries(
        Object.entries(xl.disk).map(([k, v]) => [
          k,
          [
            'target',
            'vdev',
            'backend',
            'script',
            'colo_host',
            'colo_export',
            'active_disk',
            'hidden_disk',
          ].includes(k)
            ? decodeValue(v)
            : v,
        ]),
      );
      const got = toHarnessShape(ours.disk);
      if (JSON.stringify(want) !== JSON.stringify(got))
        bad.push(
          `${JSON.stringify(s)}:\n  libxlutil ${JSON.stringify(want)}\n  package   ${JSON.stringify(got)}`,
        );
    });
    return { bad, accepted };
  };
  it('agrees on the documented and error examples', () => {
    const { bad, accepted } = check(diskSpecs);
    expect(bad.slice(0, 5).join('\n')).toBe('');
    expect(accepted).toBeGreaterThan(15);
  });
  it('agrees on generated specs', () => {
    const seed = Number(process.env.XL_FC_SEED ?? Date.now() % 1e9);
    const specs = fc.sample(generatedSpec, {
      numRuns: Number(process.env.XL_FC_RUNS ?? 3000),
      seed,
    });
    const { bad, accepted } = check(specs);
    expect(bad.slice(0, 5).join('\n'), `seed ${seed}`).toBe('');
    // A coverage check (the generator still makes specs xl accepts), not a rate: about 4 % of
    // 3000 are accepted — 81 to 133 over 12 seeds (mean 112), so > 100 failed now and then.
    // 50 is ~4 sd below the mean and far above a broken generator's 0.
    expect(accepted, `seed ${seed}`).toBeGreaterThan(50);
  });
});
