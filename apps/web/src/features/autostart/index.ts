export {
  configAutostartQueryKey,
  configAutostartQueryOptions,
  getConfigAutostart,
  useConfigAutostart,
} from './api/get-config-autostart';
export {
  getHostAutostart,
  hostAutostartQueryKey,
  hostAutostartQueryOptions,
  useHostAutostart,
} from './api/get-host-autostart';
export { setAutostart, useSetAutostart } from './api/set-autostart';
export { AutostartPanel, bootSentence, shutdownSentence } from './components/autostart-panel';
export {
  AutostartCell,
  AutostartSwitch,
  ConfigAutostartToggle,
} from './components/autostart-switch';
