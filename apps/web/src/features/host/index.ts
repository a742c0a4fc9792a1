export { hostQueryKey, hostQueryOptions, isBallooning, useHost } from './api/get-host';
export { dom0MemSetCommand, useSetDom0Memory } from './api/set-dom0-memory';
export { Dom0MemoryControl } from './components/dom0-memory-control';
export { HostFacts, MemorySplit } from './components/host-overview';
export { SimulatedBanner } from './components/simulated-banner';
