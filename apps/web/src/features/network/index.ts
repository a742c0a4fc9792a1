/**
 * Network: the `/network` page (dom0's bridges, their uplinks and vifs with whose each is) and
 * the domain page's Network tab (the domain's vifs, attach and detach with their `xl` twins).
 */
export { bridgesQueryKey, getBridges, networkQueryKey, useBridges } from './api/get-bridges';
export { getDomainVifs, useDomainVifs } from './api/get-domain-vifs';
export { attachVif, detachVif, useAttachVif, useDetachVif } from './api/vif-operations';
export { DomainNetworkPanel } from './components/domain-network-panel';
export { NetworkPage as NetworkRoute } from './components/network-page';
