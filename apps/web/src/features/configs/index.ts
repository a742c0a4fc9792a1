export {
  configsListQueryKey,
  configsQueryOptions,
  getConfigs,
  useConfigs,
} from './api/get-configs';
export { startDomain, useStartDomain, xlCreateCommand } from './api/start-domain';
export { ConfigsTable } from './components/configs-table';
