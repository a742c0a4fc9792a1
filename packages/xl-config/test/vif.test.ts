import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatVifSpec, parseVifRate, parseVifSpec, vifSpecPieces } from '../src/index.js';
import { runHarness } from './harness/harness.mjs';

const harness = process.env.XLU_HARNESS;

describe('parseVifSpec', () => {
  it('reads the documented keys', () => {
    const r = parseVifSpec(
      'mac=00:16:3E:1:2:3, bridge=xenbr0,ip=10.0.0.2 10.0.0.3,rate=10Mb/s@20ms,vifname=web1.0,model=e1000,type=ioemu,script=vif-route,backend=netdom,gatewaydev=eth0,devid=1,mtu=9000,untrusted',
    );
    expect(r.warnings).toEqual([]);
    expect(r.vif).toEqual({
      mac: '00:16:3e:01:02:03',
      bridge: 'xenbr0',
      ip: '10.0.0.2 10.0.0.3',
      rate: '10Mb/s@20ms',
      vifname: 'web1.0',
      model: 'e1000',
      type: 'ioemu',
      script: 'vif-route',
      backend: 'netdom',
      gatewaydev: 'eth0',
      devid: 1,
      mtu: 9000,
      trusted: false,
    });
  });
  it('treats the empty spec as all defaults and skips empty pieces like strtok', () => {
    expect(parseVifSpec('')).toEqual({ vif: {}, warnings: [] });
    expect(parseVifSpec(',,bridge=br0,,').vif).toEqual({ bridge: 'br0' });
  });
  it('warns about pieces xl ignores', () => {
    const r = parseVifSpec(
      'bridge=br0, mac=zz:00:00:00:00:00, type=bogus, rate=fast, colour=red, netdev=eth1',
    );
    expect(r.vif).toEqual({ bridge: 'br0', gatewaydev: 'eth1' });
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining("invalid parameter `mac'"),
      expect.stringContaining("invalid parameter `type'"),
      expect.stringContaining('invalid rate'),
      expect.stringContaining('unrecognized argument'),
    ]);
  });
  it('formatVifSpec output parses back (property)', () => {
    const rec = fc.record(
      {
        mac: fc.constant('00:16:3e:aa:bb:cc'),
        bridge: fc.stringMatching(/^[a-z0-9]{1,8}$/),
        ip: fc.constant('192.0.2.1'),
        rate: fc.constantFrom('100Mb/s', '5MB/s@1s'),
        type: fc.constantFrom('vif', 'ioemu'),
        mtu: fc.nat(9000),
        trusted: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(rec, (v) => {
        expect(parseVifSpec(formatVifSpec(v))).toEqual({ vif: v, warnings: [] });
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseVifRate', () => {
  it('computes libxl rate fields', () => {
    expect(parseVifRate('10Mb/s')).toEqual({
      bytesPerSecond: 1250000n,
      intervalUsecs: 50000,
      bytesPerInterval: 62500n,
    });
    expect(parseVifRate('1GB/s@1s')).toMatchObject({
      intervalUsecs: 1000000,
      bytesPerInterval: 1000000000n,
    });
    expect(parseVifRate('10Mb/s@')).toEqual({ error: 'invalid replenishment interval' });
  });
});

const rates = [
  '10Mb/s',
  '10MB/s',
  '1Gb/s',
  '100Kb/s',
  '5B/s',
  '5b/s',
  '0Mb/s',
  '010Mb/s',
  '4294967295B/s',
  '4294967296B/s',
  '10Mb/s@50ms',
  '10Mb/s@20us',
  '10Mb/s@1s',
  '10Mb/s@1',
  '10Mb/s@0',
  '10Mb/s@4295s',
  '10Mb/s@ms',
  '',
  '@1s',
  '10Mbps',
  '10 Mb/s',
  '10Mb/s@1h',
  '4294967295GB/s@4294967295us',
  '18446744073709551615B/s',
  '10Mb/s@010ms',
];
describe.skipIf(!harness)('differential: parseVifRate vs xlu_vif_parse_rate', () => {
  it('agrees on examples and generated rates', () => {
    const gen = fc.sample(
      fc
        .tuple(
          fc.constantFrom('0', '1', '7', '10', '08', '4294967295', '99999999999'),
          fc.constantFrom('', 'G', 'M', 'K', 'x'),
          fc.constantFrom('B/s', 'b/s', 'B', '/s'),
          fc.option(
            fc.tuple(
              fc.constantFrom('', '0', '1', '50', '4295', '4294967295'),
              fc.constantFrom('', 's', 'ms', 'us', 'm', 'u', 'h'),
            ),
          ),
        )
        .map(([n, u, b, iv]) => `${n}${u}${b}${iv ? `@${iv[0]}${iv[1]}` : ''}`),
      { numRuns: 800, seed: 42 },
    );
    const all = [...rates, ...gen];
    const results = runHarness(harness as string, 'rate', all);
    const bad: string[] = [];
    all.forEach((r, i) => {
      const xl = results[i];
      const ours = parseVifRate(r);
      const oursShape =
        'error' in ours
          ? { ok: false }
          : { ok: true, bytes: String(ours.bytesPerInterval), usecs: ours.intervalUsecs };
      const xlShape =
        xl.rc === 0 ? { ok: true, bytes: String(xl.bytes), usecs: xl.usecs } : { ok: false };
      if (JSON.stringify(oursShape) !== JSON.stringify(xlShape))
        bad.push(
          `${JSON.stringify(r)}: xl ${JSON.stringify(xlShape)} vs ${JSON.stringify(oursShape)}`,
        );
    });
    expect(bad.slice(0, 5).join('\n')).toBe('');
  });
});

describe('vifSpecPieces', () => {
  it('gives xl network-attach one argument per setting, in formatVifSpec order', () => {
    expect(
      vifSpecPieces({
        bridge: 'xenbr0',
        mac: '00:16:3e:00:00:01',
        rate: '10Mb/s',
        ip: '192.0.2.1 192.0.2.2',
      }),
    ).toEqual(['mac=00:16:3e:00:00:01', 'bridge=xenbr0', 'ip=192.0.2.1 192.0.2.2', 'rate=10Mb/s']);
    expect(vifSpecPieces({})).toEqual([]);
    expect(() => vifSpecPieces({ bridge: 'a,b' })).toThrow(TypeError);
  });
});
