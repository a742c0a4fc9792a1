export { sessionQueryOptions, useSession } from './api/get-session';
export { useLogin } from './api/login';
export { useLogout } from './api/logout';
export { useServerInfo } from './api/server-info';
export { FirstRunNote } from './components/first-run-note';
export { LoginForm } from './components/login-form';
export {
  NotAvailable,
  RequireDomainPermission,
  RequirePageAccess,
} from './components/require-access';
export { RequireSession } from './components/require-session';
export { useAccess } from './hooks/use-access';
export { type Access, type Area, accessFor, type DomainNeed, pageArea } from './lib/access';
