/**
 * Consoles of a domain in the browser: the guest's screen (noVNC) and its text consoles (xterm.js).
 * The components are lazy (React.lazy here, and noVNC / xterm.js imported dynamically inside
 * them), so nothing heavy is in the first page's bundle; the API is plain.
 */
export {
  consoleStatusQueryKey,
  consoleStatusQueryOptions,
  getConsoleStatus,
  useConsoleStatus,
  withViewers,
} from './api/get-console-status';
export { CdromMenu } from './components/cdrom/cdrom-menu';
export { ConsolePanel } from './components/lazy-console';
