export { sessionQueryOptions, useSession } from './api/get-session';
export { useLogin } from './api/login';
export { useLogout } from './api/logout';
export { LoginForm } from './components/login-form';
export { RequireSession } from './components/require-session';
