/**
 * Websocket clients of `WS /api/v1/metrics` for the metrics benchmarks (`ws-metrics-bench.mjs`,
 * `ws-metrics-load.mjs`): the views a browser tab subscribes to, and a client that counts what it
 * receives and (optionally) decodes the frames with the web's `MetricsFrameDecoder`, re-sending
 * its subscription when the decoder asks for it, as the browser does.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS_FIELDS, MetricsFrameDecoder } from '@xendeck/api';
import WebSocket from 'ws';
import { cleanupOnExit, freePort, serverDir, startServer } from './bench-server.mjs';

/** The bundle the metrics benchmarks run (`pnpm --filter @xendeck/server build` makes it). */
export const serverBundle = join(serverDir, 'dist', 'main.js');

/**
 * What one metrics benchmark run holds: a temp `stateDir` (`prefix`…), the server `child` and the
 * open `clients` (set them as they come). On exit, error or signal the clients are terminated, the
 * child killed and the dir removed; after `watchdogMs` the process exits 2 (`name` in the message).
 * Exits 1 at once when the server bundle is missing.
 */
export function metricsBenchRun({ prefix, name, watchdogMs }) {
  if (!existsSync(serverBundle)) {
    console.error(`missing ${serverBundle}: run pnpm --filter @xendeck/server build first`);
    process.exit(1);
  }
  const run = { stateDir: mkdtempSync(join(tmpdir(), prefix)), child: undefined, clients: [] };
  cleanupOnExit(() => {
    for (const c of run.clients) c.ws.terminate();
    if (run.child && run.child.exitCode === null) run.child.kill('SIGKILL');
    rmSync(run.stateDir, { recursive: true, force: true });
  });
  setTimeout(() => {
    console.error(`${name}: watchdog fired (took far longer than planned); stopping`);
    process.exit(2);
  }, watchdogMs).unref();
  return run;
}

/**
 * Starts the bundled server on the simulated host with `domains` synthetic domains, room for
 * `clients` websockets on the admin's one session, in `stateDir`. Resolves with `port`, `base`,
 * the admin `cookie` and `domainCount` (what `GET /domains` lists: the synthetic ones plus the
 * simulated host's own). `onSpawn(child)` as for `startServer`. `inspect: true` opens the
 * child's inspector on a free 127.0.0.1 port (`inspectPort`, for {@link openHeapProbe}).
 */
export async function startMetricsServer({
  stateDir,
  domains,
  clients,
  password = 'bench-password-not-secret',
  onSpawn,
  inspect = false,
}) {
  const inspectPort = inspect ? await freePort() : undefined;
  const { port, base, cookie } = await startServer({
    entry: serverBundle,
    stateDir,
    password,
    env: {
      XENDECK_SIM_SYNTHETIC_DOMAINS: String(domains),
      // All clients share one session: lift the per-session websocket cap (default 32).
      XENDECK_WS_MAX_PER_SESSION: String(clients + 8),
      ...(inspectPort ? { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` } : {}),
    },
    onSpawn,
  });
  const list = await (
    await fetch(`${base}/api/v1/domains`, { headers: { Cookie: cookie } })
  ).json();
  return { port, base, cookie, domainCount: list.length, inspectPort };
}

/**
 * Reads the metrics hub's counters from the server's `GET /metrics` (the Prometheus exposition;
 * bearer token from `GET /api/v1/settings/metrics-token` as the admin): `publishSeconds`
 * (`xendeck_metrics_ws_publish_seconds_total`: time the hub spent encoding, serializing and
 * writing ticks to clients) and `sentBytes` (`xendeck_metrics_ws_sent_bytes_total`).
 */
export async function hubCounters({ base, cookie }) {
  const { token } = await (
    await fetch(`${base}/api/v1/settings/metrics-token`, { headers: { Cookie: cookie } })
  ).json();
  const text = await (
    await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } })
  ).text();
  const value = (name) => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (!m) throw new Error(`GET /metrics has no ${name}`);
    return Number(m[1]);
  };
  return {
    publishSeconds: value('xendeck_metrics_ws_publish_seconds_total'),
    sentBytes: value('xendeck_metrics_ws_sent_bytes_total'),
  };
}

/**
 * The live JavaScript heap of a server started with `inspect: true`, through the inspector
 * protocol on 127.0.0.1: `heapAfterGc()` forces a full garbage collection
 * (`HeapProfiler.collectGarbage`) and resolves with `Runtime.getHeapUsage().usedSize`, MiB: what
 * the server really holds, without the garbage RSS also counts. `close()` ends the session.
 */
export async function openHeapProbe(inspectPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data));
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(String(m.error.message)));
    else p.resolve(m.result);
  });
  const call = (method) =>
    new Promise((resolve, reject) => {
      id++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method }));
    });
  return {
    async heapAfterGc() {
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return usage.usedSize / 1048576;
    },
    close: () => ws.close(),
  };
}

/**
 * The views measured. `subscribe` is the client's `subscribe` message minus `type` (undefined =
 * never subscribes: today's legacy full `sample` every tick).
 * - `table`: the web's domains table (apps/web/src/features/domains/components/domains-table.tsx:
 *   state, the CPU % cell and sparkline, the memory sparkline 0..max; vCPUs and CPU time come
 *   from `GET /domains`, not from the stream).
 * - `xltop`: the `xl top` page, every field.
 */
export const METRICS_VIEWS = {
  legacy: { label: 'legacy sample', subscribe: undefined },
  table: {
    label: 'domains table',
    subscribe: { domains: '*', fields: ['state', 'cpuPercent', 'memoryBytes', 'maxMemoryBytes'] },
  },
  xltop: { label: 'xl top (all)', subscribe: { domains: '*', fields: [...METRICS_FIELDS] } },
};

const FRAME_PREFIX = '{"type":"frame"';
const SAMPLE_PREFIX = '{"type":"sample"';

/**
 * Opens one client on `view` (a METRICS_VIEWS value). Returns its counters: `bytes`/`messages`
 * while `counting` is true, `connectBytes` (what came before the client's first message of its
 * view: the legacy sample sent on connect, then the keyframe), `resubscribes`, `views` and
 * `domains` (decoded views and the domain count of the last one; only when `decode`), `closed`.
 * A view of all domains with fields connects with `?fields=`; any other sends `subscribe` at open.
 * `ready` resolves at the first message of the view; rejects on a refused handshake.
 */
export function openMetricsClient({ port, base, cookie, view, decode = false }) {
  // A view of all domains subscribes at connect (`?fields=`, as the web does): no legacy sample first.
  const atConnect = view.subscribe?.fields && view.subscribe.domains === '*';
  const query = atConnect ? `?fields=${view.subscribe.fields.join(',')}` : '';
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/metrics${query}`, {
    headers: { Cookie: cookie, Origin: base },
  });
  const st = {
    ws,
    view,
    counting: false,
    messages: 0,
    bytes: 0,
    connectBytes: 0,
    resubscribes: 0,
    views: 0,
    domains: 0,
    closed: false,
    ready: undefined,
  };
  const decoder = decode && view.subscribe?.fields ? new MetricsFrameDecoder() : undefined;
  const subscribe = () => ws.send(JSON.stringify({ type: 'subscribe', ...view.subscribe }));
  const wantPrefix = view.subscribe?.fields ? FRAME_PREFIX : SAMPLE_PREFIX;
  let isReady = false;
  st.ready = new Promise((resolve, reject) => {
    ws.once('open', () => {
      if (view.subscribe && !atConnect) subscribe();
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) => reject(new Error(`refused ${r.statusCode}`)));
    ws.on('message', (data) => {
      if (!isReady) {
        st.connectBytes += data.length;
        if (data.subarray(0, wantPrefix.length).toString() !== wantPrefix) return;
        isReady = true;
        resolve();
      } else if (st.counting) {
        st.messages++;
        st.bytes += data.length;
      }
      if (!decoder) return;
      const m = JSON.parse(String(data));
      if (m.type !== 'frame') return;
      const v = decoder.apply(m);
      if (v === 'resubscribe') {
        st.resubscribes++;
        subscribe();
        return;
      }
      st.views++;
      st.domains = v.domains.length;
    });
  });
  ws.on('close', () => {
    st.closed = true;
  });
  return st;
}
