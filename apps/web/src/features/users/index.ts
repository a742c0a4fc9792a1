export { getUsers, usersQueryKey, useUsers } from './api/users';
export { UsersRoute } from './components/lazy-users-page';
