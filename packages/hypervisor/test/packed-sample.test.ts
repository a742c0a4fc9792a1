import { describe, expect, it } from 'vitest';
import { unpackSample } from '../src/metrics/packed-sample.js';
import type { RawPackedSample } from '../src/native-types.js';

// The JS side of the addon's packed metrics sample (layout: native/xendeck_xen.cc PackedNodeToJs).
function packed(): RawPackedSample {
  return {
    host: Float64Array.from([10, 2, 4, 2_400_000_000, 16 * 2 ** 30, 8 * 2 ** 30]),
    doms: Float64Array.from([
      // dom0: running, no limit, 1 vbd
      0,
      1,
      5e9,
      2 ** 30,
      -1,
      4,
      4,
      0,
      1,
      // domid 7: paused + crashed + dying, 2 nets
      7,
      4 | 16 | 32,
      123,
      4 * 2 ** 20,
      8 * 2 ** 20,
      2,
      1,
      2,
      0,
    ]),
    nets: Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 11, 12, 13, 14, 15, 16, 17, 18]),
    vbds: Float64Array.from([1, 51712, 1, 0, 0, 0, 0, 0]),
    names: 'Domain-0\0web-1',
  };
}

describe('unpackSample', () => {
  it('rebuilds the RawXenstatNode shape: host, flags, unlimited memory, devices in domain order', () => {
    const n = unpackSample(packed());
    expect(n).toMatchObject({ monotonicNs: 10, collectNs: 2, numCpus: 4, cpuHz: 2.4e9 });
    expect(n.domains.map((d) => [d.domid, d.name])).toEqual([
      [0, 'Domain-0'],
      [7, 'web-1'],
    ]);
    const [d0, d7] = n.domains;
    expect(d0).toMatchObject({ running: true, paused: false, maxMemBytes: null, numVcpus: 4 });
    expect(d0?.vbds).toEqual([
      { type: 1, dev: 51712, error: true, ooReqs: 0, rdReqs: 0, wrReqs: 0, rdSects: 0, wrSects: 0 },
    ]);
    expect(d7).toMatchObject({
      running: false,
      blocked: false,
      paused: true,
      shutdown: false,
      crashed: true,
      dying: true,
      cpuNs: 123,
      curMemBytes: 4 * 2 ** 20,
      maxMemBytes: 8 * 2 ** 20,
      onlineVcpus: 1,
    });
    expect(d7?.networks.map((x) => [x.id, x.rbytes, x.tdrop])).toEqual([
      [0, 1, 8],
      [1, 11, 18],
    ]);
  });

  it('an empty sample has no domains; a layout mismatch throws RangeError', () => {
    const empty = {
      ...packed(),
      doms: new Float64Array(0),
      nets: new Float64Array(0),
      vbds: new Float64Array(0),
      names: '',
    };
    expect(unpackSample(empty).domains).toEqual([]);
    expect(() => unpackSample({ ...packed(), names: 'only-one' })).toThrow(RangeError);
    expect(() => unpackSample({ ...packed(), nets: new Float64Array(9) })).toThrow(RangeError);
    expect(() => unpackSample({ ...packed(), doms: new Float64Array(10) })).toThrow(RangeError);
  });
});
