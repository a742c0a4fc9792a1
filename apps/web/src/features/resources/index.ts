/**
 * Live resources of a running domain (the domain page's Resources tab): balloon target, vCPUs
 * online and pinning, credit2 weight and cap, the HVM CD-ROM drives; each change optionally also
 * written to the domain's config file.
 */
export { changeResources, type ResourceChange, useChangeResources } from './api/change-resources';
export { getDomainMemory, useDomainMemory } from './api/get-domain-memory';
export { getSched, useSched } from './api/get-sched';
export { getVcpus, useVcpus } from './api/get-vcpus';
export { ChangeOutcome, FieldMessage, PersistCheckbox } from './components/change-parts';
export { ResourcesPanel } from './components/resources-panel';
