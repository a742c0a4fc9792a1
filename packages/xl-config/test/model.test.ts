import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DomainConfig,
  formatXlConfig,
  parseDiskSpec,
  parseXlConfig,
  readDomainConfig,
  toDomainConfig,
} from '../src/index.js';
import { fixtureTexts } from './fixtures.js';

describe('toDomainConfig', () => {
  it("reads Xen's xlexample.hvm", () => {
    const f = fixtureTexts.find((x) => x.name === 'xen/xlexample.hvm');
    const r = toDomainConfig(parseXlConfig(f?.text ?? ''));
    expect(r.errors).toEqual([]);
    expect(r.config).toMatchObject({
      type: 'hvm',
      name: 'example.hvm',
      memoryMiB: 128,
      vcpus: 2,
      vif: [{}],
    });
    expect(r.config.disk?.[0]).toMatchObject({
      target: '/dev/vg/guest-volume',
      vdev: 'xvda',
      format: 'raw',
      access: 'rw',
    });
    expect(r.config.other).toEqual({ sdl: '1' });
  });
  it('reads numbers as xl does (strtol base 0) and flags bad ones', () => {
    const r = readDomainConfig(
      'memory = "0x400"\nmaxmem = 010\nvcpus = "2x"\nvideoram = 08\ncap = [1]\n',
    );
    expect(r.config.memoryMiB).toBe(1024);
    expect(r.config.maxmemMiB).toBe(8);
    expect(r.config.vcpus).toBeUndefined();
    expect(r.warnings.map((w) => [w.code, w.key])).toEqual([
      ['INVALID_NUMBER', 'vcpus'],
      ['INVALID_NUMBER', 'videoram'],
      ['WRONG_TYPE', 'cap'],
    ]);
    expect(r.errors.map((e) => e.code)).toEqual(['CONFLICTING_SETTINGS']); // maxmem 8 < memory 1024
  });
  it('flags += on numbers, unknown keys, duplicates, conflicts', () => {
    const r = readDomainConfig(
      'memory = 5\nmemory += 12\nmemroy = 512\nname = "a"\nname = "b"\ntype = "hvm"\nbuilder = "generic"\ncmdline = "x"\nextra = "y"\n',
    );
    const codes = [...r.errors, ...r.warnings].map((d) => `${d.code}:${d.key}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'ADD_TO_NUMBER:memory',
        'UNKNOWN_KEY:memroy',
        'DUPLICATE_KEY:name',
        'CONFLICTING_SETTINGS:builder',
        'DEPRECATED_KEY:builder',
        'CONFLICTING_SETTINGS:cmdline',
      ]),
    );
    expect(r.errors.map((e) => e.code)).toEqual(['CONFLICTING_SETTINGS']);
    expect(r.config.name).toBe('b');
  });
  it('reads type by prefix as xl does, and rejects unknown types and actions', () => {
    expect(readDomainConfig('type = "h"\n').config.type).toBe('hvm');
    expect(readDomainConfig('type = "pvh"\n').config.type).toBe('pvh');
    expect(readDomainConfig('builder = "generic"\n').config.type).toBe('pv');
    expect(readDomainConfig('type = "kvm"\n').errors[0]).toMatchObject({
      code: 'INVALID_VALUE',
      key: 'type',
      line: 1,
    });
    expect(readDomainConfig('x = 1\non_crash = "explode"\n').errors[0]).toMatchObject({
      code: 'INVALID_VALUE',
      key: 'on_crash',
      line: 2,
    });
  });
  it('reports bad disks as errors and bad vif pieces as warnings', () => {
    const r = readDomainConfig("disk = [ '/dev/vg/x' ]\nvif = [ 'bridge=xenbr0,colour=red' ]\n");
    expect(r.errors[0]).toMatchObject({ code: 'INVALID_DISK_SPEC', key: 'disk' });
    expect(r.warnings[0]).toMatchObject({ code: 'INVALID_VIF_SPEC', key: 'vif' });
    expect(r.config.vif).toEqual([{ bridge: 'xenbr0' }]);
  });
  it('includes syntax errors', () => {
    expect(readDomainConfig('type = hvm\n').errors[0]?.code).toBe('BARE_WORD');
  });
});

describe('formatXlConfig', () => {
  it('writes a conventional file', () => {
    const text = formatXlConfig({
      name: 'web1',
      type: 'pvh',
      memoryMiB: 1024,
      vcpus: 2,
      kernel: '/boot/vmlinuz',
      disk: [
        parseDiskSpec('phy:/dev/vg0/web1,xvda,w').disk as NonNullable<
          ReturnType<typeof parseDiskSpec>['disk']
        >,
      ],
      vif: [{ bridge: 'xenbr0', rate: '10Mb/s' }],
      onCrash: 'restart',
    });
    expect(text).toBe(
      "name = 'web1'\ntype = 'pvh'\nmemory = 1024\nvcpus = 2\non_crash = 'restart'\nkernel = '/boot/vmlinuz'\ndisk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/vg0/web1' ]\nvif = [ 'bridge=xenbr0, rate=10Mb/s' ]\n",
    );
  });

  const str = fc.string({
    unit: fc.constantFrom('a', 'b', ' ', "'", '"', '\\', '/', '-', 'é', '\n', '#'),
  });
  const ident = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
  const model: fc.Arbitrary<DomainConfig> = fc.record(
    {
      name: str,
      type: fc.constantFrom('pv', 'pvh', 'hvm'),
      memoryMiB: fc.integer({ min: 16, max: 1 << 20 }),
      maxmemMiB: fc.integer({ min: 1 << 20, max: 1 << 21 }),
      vcpus: fc.integer({ min: 1, max: 8 }),
      maxvcpus: fc.integer({ min: 8, max: 64 }),
      cpus: fc.oneof(
        fc.constantFrom('0-3', 'all', 'node:0'),
        fc.array(fc.constantFrom('0', '1-2'), { maxLength: 3 }),
      ),
      cpuWeight: fc.integer({ min: 1, max: 65535 }),
      capPercent: fc.integer({ min: 0, max: 800 }),
      onPoweroff: fc.constantFrom('destroy', 'preserve'),
      onCrash: fc.constantFrom('restart', 'coredump-destroy'),
      kernel: str,
      extra: str,
      bootloaderArgs: fc.array(ident, { maxLength: 3 }),
      disk: fc.array(
        fc.record(
          {
            target: fc.string({ unit: fc.constantFrom('/', 'a', ',', '=', ' ', ':') }),
            vdev: ident,
            format: fc.constantFrom('raw', 'qcow2', 'vhd'),
            access: fc.constantFrom('rw', 'ro'),
            devtype: fc.constant('disk'),
            removable: fc.constant(false),
            directIoSafe: fc.boolean(),
            backendtype: fc.constantFrom('phy', 'qdisk'),
            discard: fc.boolean(),
          },
          {
            requiredKeys: [
              'vdev',
              'format',
              'access',
              'devtype',
              'removable',
              'directIoSafe',
              'target',
            ],
          },
        ),
        { maxLength: 3 },
      ),
      vif: fc.array(
        fc.record(
          {
            mac: fc.constant('00:16:3e:0a:0b:0c'),
            bridge: ident,
            ip: fc.constant('10.0.0.2'),
            rate: fc.constantFrom('10Mb/s', '1GB/s@20ms'),
            model: fc.constant('e1000'),
            type: fc.constantFrom('vif', 'ioemu'),
            trusted: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      vnc: fc.boolean(),
      vncdisplay: fc.integer({ min: 0, max: 99 }),
      serial: fc.array(fc.constantFrom('pty', 'file:/tmp/x'), { minLength: 1, maxLength: 2 }),
      viridian: fc.oneof(
        fc.boolean(),
        fc.array(fc.constantFrom('base', 'freq', '!time_ref_count'), { maxLength: 2 }),
      ),
      hap: fc.boolean(),
      videoramMiB: fc.integer({ min: 8, max: 128 }),
      deviceModelArgs: fc.array(str, { maxLength: 2 }),
      other: fc.dictionary(
        fc.constantFrom('sdl', 'nestedhvm', 'rtc_timeoffset', 'tsc_mode'),
        fc.oneof(str, fc.array(str, { maxLength: 2 })),
        { maxKeys: 2 },
      ),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<DomainConfig>;

  it('toDomainConfig(parseXlConfig(formatXlConfig(m))) equals m (property)', () => {
    fc.assert(
      fc.property(model, (m) => {
        if (m.other && Object.keys(m.other).length === 0) delete m.other;
        const text = formatXlConfig(m);
        const r = toDomainConfig(parseXlConfig(text));
        expect(r.errors).toEqual([]);
        expect(r.config).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });
});
