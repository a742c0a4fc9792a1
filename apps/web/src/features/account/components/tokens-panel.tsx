/**
 * My API tokens: create one (a name, a lifetime in days or none), see the token once with a copy
 * button and a warning (only its SHA-256 is kept), list them (created, last used, expires) and
 * revoke one behind a confirmation. Scripts send it as `Authorization: Bearer <token>`; it acts
 * as its user. Test ids: `new-token`, `tokens-table`, `token-row-<id>`.
 */
import { createApiTokenRequestSchema } from '@xendeck/api';
import { useId, useState } from 'react';
import { ErrorAlert } from '@/components/alert';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CopyButton } from '@/components/copy-button';
import { Field, inputBaseClass, inputClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import {
  type TokensOwner,
  useApiTokens,
  useCreateApiToken,
  useRevokeApiToken,
} from '../api/account';

/** Lifetimes offered, days (`0`: never expires). */
const LIFETIMES_DAYS = [7, 30, 90, 365, 0] as const;

const when = (ms: number | null, none: string) =>
  ms === null ? none : new Date(ms).toLocaleString();

export function TokensPanel() {
  const id = useId();
  const create = useCreateApiToken();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number>(90);
  const [nameError, setNameError] = useState<string | undefined>();
  const created = create.data;

  return (
    <div className="flex flex-col gap-4">
      {created ? (
        <div
          data-testid="new-token"
          className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100"
        >
          <p className="font-medium">
            Token “{created.name}” created. Copy it now: it is not shown again.
          </p>
          <span className="flex items-center gap-1">
            <code className="rounded bg-white px-1.5 py-1 font-mono text-xs break-all text-zinc-900 ring-1 ring-amber-200 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-amber-900">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy the token" testId="copy-token" />
          </span>
          <p className="text-xs">
            Send it as <code className="font-mono">Authorization: Bearer …</code>; it can do
            whatever your account can. Xendeck keeps only its hash.
          </p>
          <div>
            <Button size="sm" onClick={() => create.reset()}>
              I have copied it
            </Button>
          </div>
        </div>
      ) : (
        <form
          noValidate
          className="flex flex-wrap items-start gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const body = { name: name.trim(), ...(days > 0 ? { expiresInDays: days } : {}) };
            const parsed = createApiTokenRequestSchema.safeParse(body);
            if (!parsed.success) {
              setNameError('a name of 1–64 characters, e.g. monitoring');
              return;
            }
            setNameError(undefined);
            create.mutate(parsed.data, { onSuccess: () => setName('') });
          }}
        >
          <div className="w-56">
            <Field
              label="Name"
              htmlFor={`${id}-name`}
              error={nameError ? { message: nameError } : undefined}
            >
              <input
                id={`${id}-name`}
                className={inputClass}
                placeholder="monitoring"
                maxLength={64}
                aria-invalid={!!nameError}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </Field>
          </div>
          <Field label="Expires" htmlFor={`${id}-days`}>
            <select
              id={`${id}-days`}
              className={inputBaseClass}
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            >
              {LIFETIMES_DAYS.map((d) => (
                <option key={d} value={d}>
                  {d === 0 ? 'never' : `in ${d} days`}
                </option>
              ))}
            </select>
          </Field>
          <Button type="submit" variant="primary" className="mt-5" disabled={create.isPending}>
            Create token
          </Button>
        </form>
      )}
      {create.error ? <ErrorAlert title="Token not created" error={create.error} /> : null}
      <TokensTable />
    </div>
  );
}

/**
 * The tokens of `owner` (undefined: mine), with Revoke behind a confirmation. Used by the users
 * page for another user's tokens.
 */
export function TokensTable({ owner }: { owner?: TokensOwner }) {
  const tokens = useApiTokens(owner);
  const revoke = useRevokeApiToken(owner);
  const notices = useNotices();
  if (!tokens.data) {
    return <QueryState isPending={tokens.isPending} error={tokens.error} what="API tokens" />;
  }
  if (tokens.data.length === 0) {
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No API tokens.</p>;
  }
  return (
    <div className="-mx-4 -mb-4 overflow-x-auto border-t border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-sm" data-testid="tokens-table">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className={thClass}>Name</th>
            <th className={thClass}>Created</th>
            <th className={thClass}>Last used</th>
            <th className={thClass}>Expires</th>
            <th className={`${thClass} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.data.map((t) => {
            const expired = t.expiresAt !== null && t.expiresAt <= Date.now();
            return (
              <tr
                key={t.id}
                data-testid={`token-row-${t.id}`}
                className="border-b border-zinc-100 last:border-0 dark:border-zinc-800"
              >
                <td className={tdClass}>{t.name}</td>
                <td className={`${tdClass} tabular-nums`}>{when(t.createdAt, '—')}</td>
                <td className={`${tdClass} tabular-nums`}>{when(t.lastUsedAt, 'never')}</td>
                <td className={`${tdClass} tabular-nums`}>
                  {when(t.expiresAt, 'never')}
                  {expired ? <span className="ml-1 text-xs text-red-700">(expired)</span> : null}
                </td>
                <td className={`${tdClass} text-right`}>
                  <ConfirmDialog
                    title={`Revoke token “${t.name}”?`}
                    confirmLabel="Revoke"
                    confirmVariant="danger"
                    onConfirm={() =>
                      revoke.mutate(t.id, {
                        onSuccess: () => notices.success(`Token “${t.name}” revoked`),
                        onError: (error) => notices.error(`Revoke token “${t.name}”`, error),
                      })
                    }
                    trigger={
                      <Button size="sm" variant="danger-outline">
                        Revoke
                      </Button>
                    }
                  >
                    <p>Scripts using it get 401 from now on. This cannot be undone.</p>
                  </ConfirmDialog>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
