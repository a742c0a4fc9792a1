export { getUsers, usersQueryKey, useUsers } from './api/users';
export { UsersPage as UsersRoute } from './components/users-page';
