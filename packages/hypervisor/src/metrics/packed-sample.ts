/**
 * Unpacks the addon's `metricsSample()` result (a few Float64Arrays and one string, see
 * `PackedNodeToJs` in native/xendeck_xen.cc for the layout) into the `RawXenstatNode` shape that
 * `xenstatSnapshot()` returns, so both paths share `toMetricsSnapshot`. Owns the layout's JS side:
 * the strides and flag bits below must match the addon's `kPacked*Stride` and flags.
 */
import type {
  RawPackedSample,
  RawXenstatDomain,
  RawXenstatNetwork,
  RawXenstatNode,
  RawXenstatVbd,
} from '../native-types.js';

const DOM_STRIDE = 9;
const NET_STRIDE = 9;
const VBD_STRIDE = 8;

/**
 * The RawXenstatNode of a packed sample: same fields, same units (ns, bytes, counts); a
 * `maxMemBytes` of -1 (unlimited) becomes null. Throws RangeError when the arrays' lengths do not
 * match the layout (an addon of another version).
 */
export function unpackSample(p: RawPackedSample): RawXenstatNode {
  const { host: h, doms, nets, vbds } = p;
  const count = doms.length / DOM_STRIDE;
  const names = count === 0 ? [] : p.names.split('\0');
  if (
    h.length !== 6 ||
    !Number.isInteger(count) ||
    names.length !== count ||
    nets.length % NET_STRIDE !== 0 ||
    vbds.length % VBD_STRIDE !== 0
  ) {
    throw new RangeError('metricsSample: the packed sample does not match its layout');
  }
  const domains: RawXenstatDomain[] = new Array(count);
  let n = 0;
  let b = 0;
  for (let i = 0; i < count; i++) {
    const o = i * DOM_STRIDE;
    const flags = doms[o + 1] as number;
    const nNets = doms[o + 7] as number;
    const nVbds = doms[o + 8] as number;
    const networks: RawXenstatNetwork[] = new Array(nNets);
    for (let k = 0; k < nNets; k++, n += NET_STRIDE) {
      networks[k] = {
        id: nets[n] as number,
        rbytes: nets[n + 1] as number,
        rpackets: nets[n + 2] as number,
        rerrs: nets[n + 3] as number,
        rdrop: nets[n + 4] as number,
        tbytes: nets[n + 5] as number,
        tpackets: nets[n + 6] as number,
        terrs: nets[n + 7] as number,
        tdrop: nets[n + 8] as number,
      };
    }
    const vbdList: RawXenstatVbd[] = new Array(nVbds);
    for (let k = 0; k < nVbds; k++, b += VBD_STRIDE) {
      vbdList[k] = {
        type: vbds[b] as number,
        dev: vbds[b + 1] as number,
        error: vbds[b + 2] === 1,
        ooReqs: vbds[b + 3] as number,
        rdReqs: vbds[b + 4] as number,
        wrReqs: vbds[b + 5] as number,
        rdSects: vbds[b + 6] as number,
        wrSects: vbds[b + 7] as number,
      };
    }
    const maxMem = doms[o + 4] as number;
    domains[i] = {
      domid: doms[o] as number,
      name: names[i] as string,
      running: (flags & 1) !== 0,
      blocked: (flags & 2) !== 0,
      paused: (flags & 4) !== 0,
      shutdown: (flags & 8) !== 0,
      crashed: (flags & 16) !== 0,
      dying: (flags & 32) !== 0,
      cpuNs: doms[o + 2] as number,
      curMemBytes: doms[o + 3] as number,
      maxMemBytes: maxMem < 0 ? null : maxMem,
      numVcpus: doms[o + 5] as number,
      onlineVcpus: doms[o + 6] as number,
      networks,
      vbds: vbdList,
    };
  }
  if (n !== nets.length || b !== vbds.length) {
    throw new RangeError('metricsSample: the packed sample does not match its layout');
  }
  return {
    monotonicNs: h[0] as number,
    collectNs: h[1] as number,
    numCpus: h[2] as number,
    cpuHz: h[3] as number,
    totMemBytes: h[4] as number,
    freeMemBytes: h[5] as number,
    domains,
  };
}
