export {
  allowedOperations,
  runDomainOperation,
  useDomainOperation,
  xlOperationCommand,
} from './api/domain-operation';
export {
  domainsListQueryKey,
  domainsQueryOptions,
  getDomains,
  useDomains,
} from './api/get-domains';
export {
  getStartableDomains,
  startableDomainsQueryKey,
  useShutOffDomains,
} from './api/shut-off-domains';
export { DomainActions } from './components/domain-actions';
export { DomainsTable } from './components/lazy-domains-table';
export { StateBadge } from './components/state-badge';
export { WhenRunning } from './components/when-running';
