/**
 * The `frame` wire format of `WS /api/v1/metrics` (`metrics-frames.ts` in @xendeck/api): encode on
 * the server's side, decode on the browser's, over random ticks (values changing or not, domains
 * added, removed and renamed, few and many changes so both sparse and dense columns occur). The
 * decoded view must equal the input quantized, a gap or a missing base must ask to resubscribe,
 * and every frame must pass `metricsMessageSchema` after a JSON round trip.
 */
import { createHash } from 'node:crypto';
import {
  encodeMetricsFrames,
  METRICS_FIELDS,
  type MetricsDomainSample,
  type MetricsField,
  type MetricsFrame,
  MetricsFrameDecoder,
  type MetricsSampleMessage,
  metricsMessageSchema,
  quantizeMetricsValue,
} from '@xendeck/api';
import { describe, expect, it } from 'vitest';

/** Deterministic random numbers in [0, 1): SHA-256 of `seed:block`, 8 numbers per block. */
function rng(seed: number): () => number {
  let block = 0;
  let buf = Buffer.alloc(0);
  let k = 8;
  return () => {
    if (k === 8) {
      buf = createHash('sha256').update(`${seed}:${block++}`).digest();
      k = 0;
    }
    return buf.readUInt32BE(4 * k++) / 2 ** 32;
  };
}

const STATES = ['running', 'blocked', 'paused'] as const;

function randomDomain(r: () => number, domid: number, name: string): MetricsDomainSample {
  const rate = () => (r() < 0.2 ? null : r() * 1e6);
  return {
    domid,
    name,
    state: STATES[Math.floor(r() * STATES.length)] ?? 'running',
    cpuSeconds: r() * 1e5,
    cpuPercent: r() < 0.1 ? null : r() * 400,
    memoryBytes: Math.floor(r() * 8) * 2 ** 28,
    maxMemoryBytes: r() < 0.3 ? null : 2 ** 33,
    memoryPercent: r() * 100,
    vcpus: 1 + Math.floor(r() * 4),
    nets: Math.floor(r() * 3),
    netTxBytes: Math.floor(r() * 1e12),
    netRxBytes: Math.floor(r() * 1e12),
    netTxBps: rate(),
    netRxBps: rate(),
    vbds: Math.floor(r() * 3),
    vbdOo: Math.floor(r() * 10),
    vbdRd: Math.floor(r() * 1e7),
    vbdWr: Math.floor(r() * 1e7),
    vbdRdSectors: Math.floor(r() * 1e9),
    vbdWrSectors: Math.floor(r() * 1e9),
    vbdRdPs: rate(),
    vbdWrPs: rate(),
  };
}

/** The next tick: each field of each domain changes with probability `p`; churn in the list. */
function nextTick(
  r: () => number,
  prev: MetricsSampleMessage,
  p: number,
  nextDomid: { v: number },
): MetricsSampleMessage {
  let domains = prev.domains.map((d) => {
    const fresh = randomDomain(r, d.domid, d.name);
    const out: Record<string, unknown> = { ...d };
    for (const f of METRICS_FIELDS) {
      if (r() < p) out[f] = fresh[f];
      // a change below the quantum must not be sent
      else if (f === 'cpuPercent' && typeof d.cpuPercent === 'number' && r() < 0.3)
        out[f] = d.cpuPercent + 0.001;
    }
    return out as MetricsDomainSample;
  });
  if (r() < 0.3) domains = domains.filter(() => r() > 0.1);
  if (r() < 0.3) {
    const id = nextDomid.v++;
    domains.push(randomDomain(r, id, `new-${id}`));
  }
  if (r() < 0.2 && domains.length > 0) {
    const k = Math.floor(r() * domains.length);
    const d = domains[k];
    if (d) domains[k] = { ...d, name: `${d.name}-renamed` };
  }
  return { ...prev, t: prev.t + 1000, domains };
}

/** What the decoder must rebuild: `sample` with only `fields`, quantized. */
function expectedView(s: MetricsSampleMessage, fields: readonly MetricsField[]) {
  return {
    type: 'sample',
    t: s.t,
    intervalMs: s.intervalMs,
    host: {
      ...s.host,
      cpuPercent: s.host.cpuPercent === null ? null : Math.round(s.host.cpuPercent * 10) / 10,
    },
    domains: s.domains.map((d) => {
      const o: Record<string, unknown> = { domid: d.domid, name: d.name };
      for (const f of fields) o[f] = quantizeMetricsValue(f, d[f]);
      return o;
    }),
  };
}

/** A frame as the browser sees it: JSON text, parsed with the contract. */
function wire(frame: MetricsFrame): MetricsFrame {
  const m = metricsMessageSchema.parse(JSON.parse(JSON.stringify(frame)));
  if (m.type !== 'frame') throw new Error(`expected a frame, got ${m.type}`);
  return m;
}

function firstSample(r: () => number, n: number): MetricsSampleMessage {
  return {
    type: 'sample',
    t: Date.UTC(2026, 0, 1),
    intervalMs: 1000,
    host: {
      nrCpus: 8,
      cpuMhz: 2400,
      totalMemoryBytes: 2 ** 36,
      freeMemoryBytes: 2 ** 34,
      cpuPercent: 12.345,
    },
    domains: Array.from({ length: n }, (_, i) => randomDomain(r, i, `dom-${i}`)),
  };
}

describe('metrics frames', () => {
  const fieldSets: (readonly MetricsField[])[] = [
    METRICS_FIELDS,
    ['state', 'cpuPercent', 'memoryBytes', 'maxMemoryBytes'],
    ['cpuSeconds'],
  ];

  for (const seed of [1, 2, 3, 4, 5]) {
    for (const fields of fieldSets) {
      it(`round-trips 60 random ticks (seed ${seed}, ${fields.length} fields)`, () => {
        const r = rng(seed);
        let prev = firstSample(r, 40);
        const nextDomid = { v: 100 };
        const dec = new MetricsFrameDecoder();
        const kinds = { sparse: 0, dense: 0, absent: 0, domains: 0 };
        let view = dec.apply(wire(encodeMetricsFrames(undefined, prev, fields, 1).key));
        expect(view).toEqual(expectedView(prev, fields));
        for (let seq = 2; seq <= 61; seq++) {
          // mostly quiet ticks, some busy ones: both column kinds
          const p = seq % 7 === 0 ? 0.8 : 0.05;
          const next = nextTick(r, prev, p, nextDomid);
          const { key, delta } = encodeMetricsFrames(prev, next, fields, seq);
          if (!delta) throw new Error('no delta with a previous sample');
          expect(key.key).toBe(true);
          expect(delta.key).toBe(false);
          if (delta.domains) kinds.domains++;
          for (const f of fields) {
            const c = delta.cols[f];
            if (c === undefined) kinds.absent++;
            else if (Array.isArray(c)) kinds.dense++;
            else kinds.sparse++;
          }
          view = dec.apply(wire(delta));
          expect(view, `tick ${seq}`).toEqual(expectedView(next, fields));
          // A keyframe alone gives the same view.
          expect(new MetricsFrameDecoder().apply(wire(key))).toEqual(expectedView(next, fields));
          prev = next;
        }
        expect(kinds.sparse).toBeGreaterThan(0);
        expect(kinds.dense).toBeGreaterThan(0);
        expect(kinds.domains).toBeGreaterThan(0);
      });
    }
  }

  it('sends only what changed, and nothing for a change below the quantum', () => {
    const r = rng(9);
    const prev = firstSample(r, 10);
    const same = {
      ...prev,
      t: prev.t + 1000,
      domains: prev.domains.map((d) => ({
        ...d,
        cpuPercent: d.cpuPercent === null ? null : Math.round(d.cpuPercent * 10) / 10 + 0.01,
      })),
    };
    const quiet = encodeMetricsFrames(prev, same, ['cpuPercent', 'state'], 2).delta;
    expect(quiet?.cols).toEqual({});
    expect(quiet?.domains).toBeUndefined();
    const one = {
      ...same,
      // randomDomain never makes 'crashed', so this is the one change
      domains: same.domains.map((d, i) => (i === 3 ? { ...d, state: 'crashed' as const } : d)),
    };
    expect(encodeMetricsFrames(same, one, ['cpuPercent', 'state'], 3).delta?.cols).toEqual({
      state: { i: [3], v: ['crashed'] },
    });
  });

  it('keeps the object of an unchanged domain from one view to the next', () => {
    const r = rng(11);
    const prev = firstSample(r, 5);
    const next = {
      ...prev,
      t: prev.t + 1000,
      domains: prev.domains.map((d, i) => (i === 2 ? { ...d, memoryBytes: 1 } : d)),
    };
    const dec = new MetricsFrameDecoder();
    const a = dec.apply(encodeMetricsFrames(undefined, prev, ['memoryBytes'], 1).key);
    const b = dec.apply(encodeMetricsFrames(prev, next, ['memoryBytes'], 2).delta as MetricsFrame);
    if (a === 'resubscribe' || b === 'resubscribe') throw new Error('resubscribe');
    expect(b.domains[0]).toBe(a.domains[0]);
    expect(b.domains[2]).not.toBe(a.domains[2]);
    expect(b.domains[2]?.memoryBytes).toBe(1);
  });

  it('asks to resubscribe on a gap, a delta first, or a new row without values', () => {
    const r = rng(21);
    const s1 = firstSample(r, 6);
    const s2 = nextTick(r, s1, 0.5, { v: 50 });
    const s3 = nextTick(r, s2, 0.5, { v: 60 });
    const fields: MetricsField[] = ['cpuPercent', 'memoryBytes'];
    const f2 = encodeMetricsFrames(s1, s2, fields, 2);
    const f3 = encodeMetricsFrames(s2, s3, fields, 3);

    // a delta before any keyframe
    expect(new MetricsFrameDecoder().apply(f2.delta as MetricsFrame)).toBe('resubscribe');

    // a missed tick: keyframe 1, then delta 3
    const dec = new MetricsFrameDecoder();
    expect(dec.apply(encodeMetricsFrames(undefined, s1, fields, 1).key)).not.toBe('resubscribe');
    expect(dec.apply(f3.delta as MetricsFrame)).toBe('resubscribe');
    // ... and deltas keep asking until a keyframe comes
    expect(dec.apply(f3.delta as MetricsFrame)).toBe('resubscribe');
    expect(dec.apply(f3.key)).toEqual(expectedView(s3, fields));

    // a new domain whose values are missing (a forged or truncated delta)
    const d2 = new MetricsFrameDecoder();
    d2.apply(encodeMetricsFrames(undefined, s1, fields, 1).key);
    const forged: MetricsFrame = {
      ...(f2.delta as MetricsFrame),
      domains: { domid: [999], name: ['ghost'] },
      cols: { cpuPercent: [1] },
    };
    expect(d2.apply(forged)).toBe('resubscribe');
    // a field the keyframe did not have
    const d3 = new MetricsFrameDecoder();
    d3.apply(encodeMetricsFrames(undefined, s1, fields, 1).key);
    expect(d3.apply({ ...(f2.delta as MetricsFrame), cols: { vcpus: { i: [0], v: [2] } } })).toBe(
      'resubscribe',
    );
  });
});
