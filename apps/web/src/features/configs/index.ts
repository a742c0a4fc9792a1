export { createConfig, useCreateConfig } from './api/create-config';
export { configQueryKey, configQueryOptions, getConfig, useConfig } from './api/get-config';
export {
  configHistoryQueryKey,
  configHistoryQueryOptions,
  getConfigHistory,
  useConfigHistory,
} from './api/get-config-history';
export {
  configVersionQueryKey,
  configVersionQueryOptions,
  getConfigVersion,
  useConfigVersion,
} from './api/get-config-version';
export {
  configsListQueryKey,
  configsQueryOptions,
  getConfigs,
  useConfigs,
} from './api/get-configs';
export { restoreConfigVersion, useRestoreConfigVersion } from './api/restore-config-version';
export { invalidateConfig, saveConfig, useSaveConfig } from './api/save-config';
export { startDomain, useStartDomain, xlCreateCommand } from './api/start-domain';
export { ConfigView } from './components/config-view';
export { ConfigsTable } from './components/configs-table';
export { ConfigDiff } from './components/lazy-editors';
export { NewConfigForm } from './components/new-config-form';
