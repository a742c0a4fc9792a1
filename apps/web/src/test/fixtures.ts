import type { ConsoleStatus, Domain, Host, Task } from '@xendeck/api';
import type { MetricsDomain, MetricsSample } from '@/features/metrics/lib/contract';

/** A domain as `GET /domains` returns it; override what the test is about. */
export function domain(overrides: Partial<Domain> & Pick<Domain, 'domid' | 'name'>): Domain {
  return {
    uuid: `00000000-0000-4000-8000-${String(overrides.domid).padStart(12, '0')}`,
    type: 'pvh',
    state: 'blocked',
    memoryKiB: 524_288,
    maxMemoryKiB: 524_288,
    vcpus: 1,
    maxVcpus: 1,
    cpuTimeNs: 1_000_000_000,
    ...overrides,
  };
}

export const dom0 = domain({
  domid: 0,
  name: 'Domain-0',
  type: 'pv',
  state: 'running',
  memoryKiB: 2_097_152,
});

/** A host as `GET /host` returns it. */
export function host(
  overrides: Partial<Host> = {},
  dom0Overrides: Partial<Host['dom0']> = {},
): Host {
  return {
    hostname: 'xenhost1',
    xenVersion: '4.17.7',
    nrCpus: 4,
    cpuMhz: 2400,
    totalMemoryMiB: 8192,
    freeMemoryMiB: 4096,
    virtCaps: ['pv', 'hvm', 'hap'],
    backend: 'libxl',
    dom0: {
      memoryMiB: 2048,
      targetMiB: 2048,
      maxMemoryMiB: 4096,
      minMemoryMiB: 512,
      ...dom0Overrides,
    },
    guestsMemoryMiB: 1536,
    xenMemoryMiB: 512,
    ...overrides,
  };
}

/** One domain of a metrics sample (`WS /api/v1/metrics`); override what the test is about. */
export function metricsDomain(
  overrides: Partial<MetricsDomain> & Pick<MetricsDomain, 'domid' | 'name'>,
): MetricsDomain {
  return {
    state: 'running',
    cpuSeconds: 12.7,
    cpuPercent: 5,
    memoryBytes: 512 * 1024 * 1024,
    maxMemoryBytes: 1024 * 1024 * 1024,
    memoryPercent: 6.25,
    vcpus: 1,
    nets: 1,
    netTxBytes: 10_240,
    netRxBytes: 20_480,
    netTxBps: 100,
    netRxBps: 200,
    vbds: 1,
    vbdOo: 0,
    vbdRd: 30,
    vbdWr: 40,
    vbdRdSectors: 240,
    vbdWrSectors: 320,
    vbdRdPs: 1,
    vbdWrPs: 2,
    ...overrides,
  };
}

/** A metrics sample at `t` (ms since the epoch) with `domains`; host 4 CPUs, 8 GiB, 4 GiB free. */
export function metricsSample(
  t: number,
  domains: MetricsDomain[],
  intervalMs = 1000,
): MetricsSample {
  return {
    type: 'sample',
    t,
    intervalMs,
    host: {
      nrCpus: 4,
      cpuMhz: 2400,
      totalMemoryBytes: 8 * 1024 ** 3,
      freeMemoryBytes: 4 * 1024 ** 3,
      cpuPercent: 12.5,
    },
    domains,
  };
}

/**
 * A console status as `GET /domains/:name/console` returns it: an HVM guest with VNC and a serial
 * port, no PV console, nobody watching. Override what the test is about.
 */
export function consoleStatus(overrides: Partial<ConsoleStatus> = {}): ConsoleStatus {
  return {
    domain: 'web1',
    domid: 3,
    vnc: { available: true, viewers: 0, passwordProtected: false },
    pv: { available: false, viewers: 0, attached: false },
    serial: { available: true, viewers: 0, attached: false },
    log: { source: 'server', sizeBytes: 0 },
    ...overrides,
  };
}

/** A task as `GET /tasks` returns it (a finished `domain.start` with no steps); override the rest. */
export function task(overrides: Partial<Task> & Pick<Task, 'id'>): Task {
  return {
    kind: 'domain.start',
    user: 'admin',
    target: 'domain:web1',
    state: 'succeeded',
    progress: null,
    steps: [],
    error: null,
    createdAt: '2026-11-30T10:00:00.000Z',
    startedAt: '2026-11-30T10:00:00.000Z',
    endedAt: '2026-11-30T10:00:01.000Z',
    ...overrides,
  };
}
