import type { Domain, Host } from '@xendeck/api';

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
