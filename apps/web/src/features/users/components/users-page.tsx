/**
 * `/users` (admins): every user with role, TOTP, creation and password-change times; New user;
 * per row: change role, turn off TOTP (a lost device), grants (customers), API tokens (list,
 * revoke), reset password, delete behind the typed username. The server refuses what would leave
 * no admin (409 LAST_ADMIN), shown as a notice.
 * Test ids: `users-table`, `user-row-<username>`, `role-<username>`, `delete-user-<username>-*`,
 * `grants-button-<username>`, `tokens-button-<username>`, `totp-off-<username>`.
 */
import { ROLES, type Role, type UserInfo } from '@xendeck/api';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useNotices } from '@/components/notices';
import { Panel, QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { TypedDeleteDialog } from '@/components/typed-delete-dialog';
import { useAccess } from '@/features/auth';
import { useDeleteUser, useDisableUserTotp, useUpdateUser, useUsers } from '../api/users';
import { ROLE_HINTS } from '../lib/roles';
import { CreateUserDialog } from './create-user-dialog';
import { GrantsDialog } from './grants-editor';
import { ResetPasswordDialog } from './reset-password-dialog';
import { UserTokensDialog } from './user-tokens-dialog';

export function UsersPage() {
  const users = useUsers();
  return (
    <>
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Users</h1>
        <CreateUserDialog />
      </div>
      <Panel title="Users and roles" labelledBy="users-heading">
        {users.data ? (
          <div className="-m-4 overflow-x-auto">
            <UsersTable users={users.data} />
          </div>
        ) : (
          <QueryState isPending={users.isPending} error={users.error} what="users" />
        )}
      </Panel>
      <ul className="flex flex-col gap-0.5 text-xs text-zinc-500 dark:text-zinc-400">
        {ROLES.map((r) => (
          <li key={r}>
            <span className="font-medium text-zinc-700 dark:text-zinc-300">{r}</span>:{' '}
            {ROLE_HINTS[r]}
          </li>
        ))}
      </ul>
    </>
  );
}

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

function UsersTable({ users }: { users: UserInfo[] }) {
  const me = useAccess().username;
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const disableTotp = useDisableUserTotp();
  const notices = useNotices();
  return (
    <table className="w-full text-sm" data-testid="users-table">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={thClass}>Username</th>
          <th className={thClass}>Role</th>
          <th className={thClass}>TOTP</th>
          <th className={thClass}>Created</th>
          <th className={thClass}>Password changed</th>
          <th className={`${thClass} text-right`}>Actions</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <tr
            key={u.username}
            data-testid={`user-row-${u.username}`}
            className="border-b border-zinc-100 last:border-0 dark:border-zinc-800"
          >
            <td className={`${tdClass} font-mono`}>
              {u.username}
              {u.username === me ? (
                <span className="ml-1.5 font-sans text-xs text-zinc-400">(you)</span>
              ) : null}
            </td>
            <td className={tdClass}>
              <select
                aria-label={`Role of ${u.username}`}
                data-testid={`role-${u.username}`}
                className="h-7 rounded-md border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-950"
                value={u.role}
                disabled={update.isPending}
                onChange={(e) => {
                  const role = e.target.value as Role;
                  update.mutate(
                    { username: u.username, role },
                    {
                      onSuccess: () => notices.success(`${u.username} is now ${role}`),
                      onError: (error) => notices.error(`Change role of ${u.username}`, error),
                    },
                  );
                }}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </td>
            <td className={tdClass}>
              {u.totpEnabled ? (
                <span className="inline-flex items-center gap-1.5">
                  <span className="text-emerald-700 dark:text-emerald-400">on</span>
                  <ConfirmDialog
                    title={`Turn off TOTP of ${u.username}?`}
                    confirmLabel="Turn off"
                    confirmVariant="danger"
                    onConfirm={() =>
                      disableTotp.mutate(u.username, {
                        onSuccess: () => notices.success(`TOTP of ${u.username} turned off`),
                        onError: (error) => notices.error(`Turn off TOTP of ${u.username}`, error),
                      })
                    }
                    trigger={
                      <Button size="sm" variant="ghost" data-testid={`totp-off-${u.username}`}>
                        turn off
                      </Button>
                    }
                  >
                    <p>
                      For a lost device: {u.username} logs in with the password only and their
                      sessions end. They can set it up again under Account.
                    </p>
                  </ConfirmDialog>
                </span>
              ) : (
                <span className="text-zinc-400">off</span>
              )}
            </td>
            <td className={`${tdClass} tabular-nums`}>{when(u.createdAt)}</td>
            <td className={`${tdClass} tabular-nums`}>{when(u.passwordChangedAt)}</td>
            <td className={tdClass}>
              <div className="flex items-center justify-end gap-1">
                {u.role === 'customer' ? <GrantsDialog user={u} /> : null}
                <UserTokensDialog username={u.username} />
                <ResetPasswordDialog username={u.username} />
                <TypedDeleteDialog
                  name={u.username}
                  title={`Delete user ${u.username}?`}
                  testIdPrefix={`delete-user-${u.username}`}
                  blockedReason={u.username === me ? 'You cannot delete yourself' : undefined}
                  showReason={false}
                  onConfirm={() =>
                    remove.mutate(u.username, {
                      onSuccess: () => notices.success(`User ${u.username} deleted`),
                      onError: (error) => notices.error(`Delete ${u.username}`, error),
                    })
                  }
                >
                  <p>
                    {u.username} can no longer log in; their sessions, API tokens and grants are
                    removed. Their entries in the audit log stay.
                  </p>
                </TypedDeleteDialog>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default UsersPage;
