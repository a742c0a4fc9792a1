/**
 * The compact wire format of `WS /api/v1/metrics` for a browser view: `frame` messages, columnar
 * and delta-encoded, and the two halves that make and read them. Written once here: the server
 * encodes with {@link encodeMetricsFrames}, the web decodes with {@link MetricsFrameDecoder}.
 *
 * A client opts in by sending `fields` in its `subscribe` message (`metricsClientMessageSchema`);
 * a client that never does keeps receiving the full legacy `sample` messages.
 *
 * Per sampler tick the client gets one `frame`:
 * - a keyframe (`key: true`) right after subscribing (and whenever the server cannot send a delta
 *   this client can apply): `domains` (domid and name, in the sample's order, by domid) and every
 *   subscribed field as a dense column (one value per domain, same order);
 * - then deltas (`key: false`, `seq` = previous + 1): per field only what changed since the
 *   previous tick: a sparse column `{ i: [row, ...], v: [value, ...] }` when fewer than half the
 *   rows changed, a dense column otherwise, nothing for a field that did not change. `domains` is
 *   present when the set, order or names of the domains changed; rows are then matched to the
 *   previous tick by domid, and a domain new to the list has every field in the columns.
 *
 * Values are quantized in the encoder, once (see {@link quantizeMetricsValue}): percents to 0.1,
 * rates (Bps, Ps) to whole numbers, seconds to 0.01; a change smaller than that is not a change.
 * The host part is sent whole in every frame (a few numbers).
 *
 * Runtime imports: `metricsHostSampleSchema` comes from `./index.js`, which itself imports this
 * module; the frame schema reads it lazily (`z.lazy`) so the cycle is harmless at load time.
 */
import { z } from 'zod';
import type { MetricsDomainSample, MetricsHostSample, MetricsSampleMessage } from './index.js';
import { metricsHostSampleSchema } from './index.js';

/** The per-domain fields a client may subscribe to: every `MetricsDomainSample` key but domid and name. */
export const METRICS_FIELDS = [
  'state',
  'cpuSeconds',
  'cpuPercent',
  'memoryBytes',
  'maxMemoryBytes',
  'memoryPercent',
  'vcpus',
  'nets',
  'netTxBytes',
  'netRxBytes',
  'netTxBps',
  'netRxBps',
  'vbds',
  'vbdOo',
  'vbdRd',
  'vbdWr',
  'vbdRdSectors',
  'vbdWrSectors',
  'vbdRdPs',
  'vbdWrPs',
] as const;
export const metricsFieldSchema = z.enum(METRICS_FIELDS);
export type MetricsField = (typeof METRICS_FIELDS)[number];

/**
 * The `fields` query parameter of `WS /api/v1/metrics?fields=state,cpuPercent`: comma-separated
 * fields. A client that connects with it is subscribed to all domains with those fields from the
 * start (its first message is a keyframe, not the legacy full sample: saves a whole sample per
 * connect); the same as sending `{ type: 'subscribe', domains: '*', fields }` at once.
 */
export const metricsFieldsParamSchema = z
  .string()
  .transform((s) => s.split(','))
  .pipe(z.array(metricsFieldSchema).min(1));

// Compile-time check: METRICS_FIELDS is exactly the sample's keys minus domid and name.
type SampleField = Exclude<keyof MetricsDomainSample, 'domid' | 'name'>;
const fieldsAreSampleKeys: [SampleField] extends [MetricsField]
  ? [MetricsField] extends [SampleField]
    ? true
    : never
  : never = true;
void fieldsAreSampleKeys;

/** Fields quantized to 0.1 (percent). */
const PERCENT_FIELDS: ReadonlySet<string> = new Set<MetricsField>(['cpuPercent', 'memoryPercent']);
/** Fields quantized to whole numbers (bytes or requests per second). */
const RATE_FIELDS: ReadonlySet<string> = new Set<MetricsField>([
  'netTxBps',
  'netRxBps',
  'vbdRdPs',
  'vbdWrPs',
]);
/** Fields quantized to 0.01 (seconds). */
const SECONDS_FIELDS: ReadonlySet<string> = new Set<MetricsField>(['cpuSeconds']);

/**
 * The value of `field` as it goes on the wire: percents rounded to 0.1, rates to whole numbers,
 * seconds to 0.01; null stays null; other fields (state, bytes, counts) unchanged.
 */
/** `v` rounded to one decimal: how every percent goes on the wire. */
const toTenth = (v: number): number => Math.round(v * 10) / 10;

export function quantizeMetricsValue<F extends MetricsField>(
  field: F,
  value: MetricsDomainSample[F],
): MetricsDomainSample[F] {
  if (typeof value !== 'number') return value;
  if (PERCENT_FIELDS.has(field)) return toTenth(value) as MetricsDomainSample[F];
  if (RATE_FIELDS.has(field)) return Math.round(value) as MetricsDomainSample[F];
  if (SECONDS_FIELDS.has(field)) return (Math.round(value * 100) / 100) as MetricsDomainSample[F];
  return value;
}

/** The host part as it goes on the wire: `cpuPercent` rounded to 0.1. */
function quantizeHost(host: MetricsHostSample): MetricsHostSample {
  return {
    ...host,
    cpuPercent: host.cpuPercent === null ? null : toTenth(host.cpuPercent),
  };
}

/**
 * One column of a frame: dense (one value per row of `domains`, in order) or sparse (rows `i`,
 * indexes into the current `domains`, got values `v`; same lengths). Values are the field's type
 * (`MetricsDomainSample[field]`: number, null or a state string).
 */
export const metricsFrameColumnSchema = z.union([
  z.array(z.unknown()),
  z.object({ i: z.array(z.number().int().nonnegative()), v: z.array(z.unknown()) }),
]);
export type MetricsFrameColumn = z.infer<typeof metricsFrameColumnSchema>;

/**
 * `frame` (server → client on `WS /api/v1/metrics`, only to a client that subscribed with
 * `fields`): one per sampler tick; see the module header for keyframes, deltas and quantization.
 */
export const metricsFrameSchema = z.object({
  type: z.literal('frame'),
  /** The server's tick counter: a delta applies to the frame whose seq is one less. */
  seq: z.number().int(),
  /** When the sample was taken, ms since the epoch. */
  t: z.number(),
  /** The sampler's period, ms (XENDECK_METRICS_INTERVAL_MS). */
  intervalMs: z.number().int(),
  /** The host part, whole in every frame (`cpuPercent` quantized to 0.1). */
  host: z.lazy(() => metricsHostSampleSchema),
  /** true: a keyframe (every subscribed field dense, `domains` present); false: a delta. */
  key: z.boolean(),
  /** The rows, in order (domid ascending as the sampler orders them); absent in a delta when unchanged. */
  domains: z.object({ domid: z.array(z.number().int()), name: z.array(z.string()) }).optional(),
  /** Per subscribed field: its column; in a delta a field with no change is absent. */
  cols: z.partialRecord(metricsFieldSchema, metricsFrameColumnSchema),
});
export type MetricsFrame = z.infer<typeof metricsFrameSchema>;

/** One domain as a view sees it: identity plus the subscribed fields. */
export type MetricsViewDomain = { domid: number; name: string } & Partial<
  Omit<MetricsDomainSample, 'domid' | 'name'>
>;

/**
 * What {@link MetricsFrameDecoder} rebuilds: the shape of a legacy `sample`, with only the
 * subscribed fields on each domain (quantized as on the wire).
 */
export interface MetricsViewSample {
  type: 'sample';
  t: number;
  intervalMs: number;
  host: MetricsHostSample;
  domains: MetricsViewDomain[];
}

/** A keyframe and (when `prev` was given) the delta from `prev` to `next`, for one subscription. */
export interface EncodedMetricsFrames {
  key: MetricsFrame;
  /** undefined when there is no previous sample to diff against. */
  delta: MetricsFrame | undefined;
}

/**
 * Encodes `next` for a client subscribed to `fields`: the keyframe, and the delta from `prev`
 * (the previous tick's sample, filtered the same way) when given. Both samples are the server's
 * `sample` messages, already filtered to the client's domains; values are quantized here.
 * `seq` is the tick counter of `next` (`prev`'s must be seq − 1). Throws nothing. The samples must
 * not change afterwards: their quantized columns are cached per sample object (a WeakMap), so the
 * server's sample of one tick, `next` now and `prev` at the next tick, is quantized once.
 */
export function encodeMetricsFrames(
  prev: MetricsSampleMessage | undefined,
  next: MetricsSampleMessage,
  fields: readonly MetricsField[],
  seq: number,
): EncodedMetricsFrames {
  const rows = next.domains;
  const domains = { domid: rows.map((d) => d.domid), name: rows.map((d) => d.name) };
  const head = { type: 'frame' as const, seq, t: next.t, intervalMs: next.intervalMs };
  const host = quantizeHost(next.host);
  const dense: Partial<Record<MetricsField, unknown[]>> = {};
  for (const f of fields) dense[f] = quantizedColumn(next, f);
  const key: MetricsFrame = { ...head, host, key: true, domains, cols: dense };
  if (!prev) return { key, delta: undefined };

  const old = prev.domains;
  const sameRows =
    old.length === rows.length &&
    rows.every((d, r) => old[r]?.domid === d.domid && old[r]?.name === d.name);
  // Row of each domain in `prev` (by domid), when the rows moved; -1 = new.
  let prevRow: number[] | undefined;
  if (!sameRows) {
    const at = new Map<number, number>();
    for (const [r, d] of old.entries()) at.set(d.domid, r);
    prevRow = rows.map((d) => at.get(d.domid) ?? -1);
  }
  const cols: Partial<Record<MetricsField, MetricsFrameColumn>> = {};
  for (const f of fields) {
    const values = dense[f] as unknown[];
    const before = quantizedColumn(prev, f);
    const i: number[] = [];
    const v: unknown[] = [];
    for (let r = 0; r < values.length; r++) {
      const p = prevRow ? (prevRow[r] ?? -1) : r;
      if (p < 0 || before[p] !== values[r]) {
        i.push(r);
        v.push(values[r]);
      }
    }
    if (i.length === 0) continue;
    cols[f] = i.length * 2 < rows.length ? { i, v } : values;
  }
  const delta: MetricsFrame = {
    ...head,
    host,
    key: false,
    ...(sameRows ? {} : { domains }),
    cols,
  };
  return { key, delta };
}

/**
 * Quantized columns already made, per sample object: the server passes the same sample as `next`
 * of one tick and `prev` of the next (and to every subscription), so each column is made once.
 */
const columnCache = new WeakMap<MetricsSampleMessage, Map<MetricsField, unknown[]>>();

/** `field` of every domain of `sample`, quantized, in row order (cached; never mutate it). */
function quantizedColumn(sample: MetricsSampleMessage, field: MetricsField): unknown[] {
  let bySample = columnCache.get(sample);
  if (!bySample) {
    bySample = new Map();
    columnCache.set(sample, bySample);
  }
  let col = bySample.get(field);
  if (!col) {
    const rows = sample.domains;
    col = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      col[r] = quantizeMetricsValue(field, (rows[r] as MetricsDomainSample)[field]);
    }
    bySample.set(field, col);
  }
  return col;
}

/**
 * Client side: rebuilds full views from `frame` messages. Keeps the last view; `apply` returns
 * the new view, or `'resubscribe'` when the frame cannot be applied (a delta before any keyframe,
 * a delta whose seq is not the previous + 1, a sparse column or a new row with no base value):
 * the client then re-sends its `subscribe` message and the server answers with a keyframe.
 * Every delta until that keyframe also returns `'resubscribe'`.
 *
 * A domain whose values did not change keeps the same object from one view to the next (so a
 * component can skip redrawing it); `domains` is a new array on every view.
 */
export class MetricsFrameDecoder {
  private view: MetricsViewSample | undefined;
  private seq = 0;
  /** The fields of the last keyframe: a delta may carry only these. */
  private fields: ReadonlySet<string> = new Set();

  /** The last view applied, or undefined before the first keyframe / after a failed delta. */
  get latest(): MetricsViewSample | undefined {
    return this.view;
  }

  /** Applies one frame (already parsed with `metricsFrameSchema` or trusted). */
  apply(frame: MetricsFrame): MetricsViewSample | 'resubscribe' {
    const next = frame.key ? this.applyKey(frame) : this.applyDelta(frame);
    this.view = next;
    if (!next) return 'resubscribe';
    this.seq = frame.seq;
    return next;
  }

  /** Forgets the view (e.g. when the socket closed): the next frame must be a keyframe. */
  reset(): void {
    this.view = undefined;
  }

  private applyKey(frame: MetricsFrame): MetricsViewSample | undefined {
    const ids = frame.domains;
    if (!ids || ids.domid.length !== ids.name.length) return undefined;
    const domains: MetricsViewDomain[] = ids.domid.map((domid, r) => ({
      domid,
      name: ids.name[r] ?? '',
    }));
    for (const [f, col] of Object.entries(frame.cols) as [MetricsField, MetricsFrameColumn][]) {
      if (!Array.isArray(col) || col.length !== domains.length) return undefined;
      for (const [r, d] of domains.entries()) setField(d, f, col[r]);
    }
    this.fields = new Set(Object.keys(frame.cols));
    return { type: 'sample', t: frame.t, intervalMs: frame.intervalMs, host: frame.host, domains };
  }

  private applyDelta(frame: MetricsFrame): MetricsViewSample | undefined {
    const prev = this.view;
    if (!prev || frame.seq !== this.seq + 1) return undefined;
    let domains: MetricsViewDomain[];
    const fresh = new Set<number>();
    if (frame.domains) {
      const { domid, name } = frame.domains;
      if (domid.length !== name.length) return undefined;
      const byDomid = new Map(prev.domains.map((d) => [d.domid, d]));
      domains = domid.map((id, r) => {
        const old = byDomid.get(id);
        const n = name[r] ?? '';
        if (old === undefined) {
          fresh.add(r);
          return { domid: id, name: n };
        }
        return old.name === n ? old : { ...old, name: n };
      });
    } else {
      domains = prev.domains.slice();
    }
    const copied = new Set<number>();
    const set = (r: number, f: MetricsField, value: unknown): boolean => {
      let d = domains[r];
      if (d === undefined) return false;
      if ((d as Record<string, unknown>)[f] === value && !fresh.has(r)) return true;
      if (!copied.has(r) && !fresh.has(r)) {
        d = { ...d };
        domains[r] = d;
        copied.add(r);
      }
      setField(d, f, value);
      return true;
    };
    const filled = new Map<number, number>();
    for (const [f, col] of Object.entries(frame.cols) as [MetricsField, MetricsFrameColumn][]) {
      if (!this.fields.has(f)) return undefined;
      if (Array.isArray(col)) {
        if (col.length !== domains.length) return undefined;
        for (let r = 0; r < col.length; r++) {
          set(r, f, col[r]);
          if (fresh.has(r)) filled.set(r, (filled.get(r) ?? 0) + 1);
        }
      } else {
        if (col.i.length !== col.v.length) return undefined;
        for (const [k, r] of col.i.entries()) {
          if (!set(r, f, col.v[k])) return undefined;
          if (fresh.has(r)) filled.set(r, (filled.get(r) ?? 0) + 1);
        }
      }
    }
    // A domain new to the list must come with every field the view holds.
    for (const r of fresh) {
      if ((filled.get(r) ?? 0) < this.fields.size) return undefined;
    }
    return { type: 'sample', t: frame.t, intervalMs: frame.intervalMs, host: frame.host, domains };
  }
}

function setField(d: MetricsViewDomain, f: MetricsField, value: unknown): void {
  (d as Record<string, unknown>)[f] = value;
}
