/**
 * A customer's grants: one row per domain name (guests `xl list` shows, config files, names
 * already granted), a "granted" box and the permissions of @xendeck/api `PERMISSIONS` (`view`
 * always included once granted). Save sends `PUT /api/v1/users/:username/grants`, which
 * replaces all of them. Test ids: `grants-row-<domain>`, `grant-<domain>-<permission>`.
 */
import * as Dialog from '@radix-ui/react-dialog';
import { PERMISSIONS, type Permission, type UserInfo } from '@xendeck/api';
import { useMemo, useState } from 'react';
import { ErrorAlert } from '@/components/alert';
import { Button } from '@/components/button';
import { DialogFrame } from '@/components/dialog-frame';
import { inputClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { tdClass, thClass } from '@/components/table';
import { useConfigs } from '@/features/configs';
import { useDomains } from '@/features/domains';
import { useSetGrants } from '../api/users';
import {
  draftFromGrants,
  type GrantDraft,
  grantableDomainNames,
  grantsFromDraft,
} from '../lib/grants';

const PERMISSION_HINTS: Record<Permission, string> = {
  view: 'see it: list, state, details',
  console: 'graphical and text consoles',
  power: 'start, shutdown, reboot, destroy, pause',
  reinstall: 'insert/eject a CD, boot from disk',
  metrics: 'live and historical metrics',
};

export function GrantsDialog({ user }: { user: UserInfo }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button size="sm" data-testid={`grants-button-${user.username}`}>
          Grants ({user.grants.length})
        </Button>
      </Dialog.Trigger>
      <DialogFrame widthClass="w-[min(44rem,calc(100vw-2rem))]" className="flex flex-col">
        <Dialog.Title className="text-base font-semibold">
          Grants of <span className="font-mono">{user.username}</span>
        </Dialog.Title>
        <Dialog.Description className="mt-1 text-sm text-zinc-600 dark:text-zinc-300">
          The domains this customer sees, and what they may do with each. Other domains answer them
          as if they did not exist. Saving replaces all their grants.
        </Dialog.Description>
        {open ? <GrantsEditor user={user} onDone={() => setOpen(false)} /> : null}
      </DialogFrame>
    </Dialog.Root>
  );
}

/** The editor itself (inside the dialog; also rendered alone in tests). */
export function GrantsEditor({ user, onDone }: { user: UserInfo; onDone: () => void }) {
  const domains = useDomains();
  const configs = useConfigs();
  const setGrants = useSetGrants();
  const notices = useNotices();
  const [draft, setDraft] = useState<GrantDraft>(() => draftFromGrants(user.grants));
  const [filter, setFilter] = useState('');

  const names = useMemo(
    () =>
      grantableDomainNames(
        (domains.data ?? []).filter((d) => d.domid !== 0).map((d) => d.name),
        (configs.data ?? []).map((c) => c.name),
        user.grants.map((g) => g.domain),
      ),
    [domains.data, configs.data, user.grants],
  );
  const shown = names.filter((n) => n.toLowerCase().includes(filter.trim().toLowerCase()));

  const update = (domain: string, change: (perms: Set<Permission>) => void) =>
    setDraft((prev) => {
      const next = new Map(prev);
      const perms = new Set(next.get(domain) ?? []);
      change(perms);
      if (perms.size === 0) next.delete(domain);
      else next.set(domain, perms);
      return next;
    });

  const toggleGranted = (domain: string, on: boolean) =>
    update(domain, (perms) => {
      if (on) perms.add('view');
      else perms.clear();
    });
  const togglePermission = (domain: string, p: Permission, on: boolean) =>
    update(domain, (perms) => {
      if (on) {
        perms.add(p);
        perms.add('view');
      } else perms.delete(p);
      // Without view nothing else holds: unticking view removes the grant.
      if (p === 'view' && !on) perms.clear();
    });

  const loading = domains.isPending || configs.isPending;
  const grantedCount = [...draft.values()].filter((s) => s.size > 0).length;

  return (
    <div className="mt-4 flex min-h-0 flex-col gap-3">
      <input
        type="search"
        aria-label="Filter domains"
        placeholder="Filter domains…"
        className={inputClass}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <div className="min-h-0 flex-1 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-sm">
          <thead className="sticky top-0 bg-zinc-50 dark:bg-zinc-950">
            <tr>
              <th className={thClass}>Domain</th>
              {PERMISSIONS.map((p) => (
                <th key={p} className={`${thClass} text-center`} title={PERMISSION_HINTS[p]}>
                  {p}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((name) => {
              const perms = draft.get(name);
              return (
                <tr
                  key={name}
                  data-testid={`grants-row-${name}`}
                  className={`border-t border-zinc-100 dark:border-zinc-800 ${perms ? 'bg-sky-50/60 dark:bg-sky-950/30' : ''}`}
                >
                  <td className={tdClass}>
                    <label className="flex items-center gap-2 font-mono">
                      <input
                        type="checkbox"
                        checked={!!perms}
                        onChange={(e) => toggleGranted(name, e.target.checked)}
                        aria-label={`Grant ${name}`}
                      />
                      {name}
                    </label>
                  </td>
                  {PERMISSIONS.map((p) => (
                    <td key={p} className={`${tdClass} text-center`}>
                      <input
                        type="checkbox"
                        checked={perms?.has(p) ?? false}
                        onChange={(e) => togglePermission(name, p, e.target.checked)}
                        aria-label={`${p} on ${name}`}
                        title={PERMISSION_HINTS[p]}
                        data-testid={`grant-${name}-${p}`}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={PERMISSIONS.length + 1} className={`${tdClass} text-zinc-500`}>
                  {loading ? 'Loading domains and config files…' : 'No domain by that name.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {PERMISSIONS.map((p) => `${p}: ${PERMISSION_HINTS[p]}`).join(' · ')}
      </p>
      {setGrants.error ? <ErrorAlert title="Save refused" error={setGrants.error} /> : null}
      <div className="flex items-center justify-end gap-2">
        <span className="mr-auto text-xs text-zinc-500 dark:text-zinc-400">
          {grantedCount} domain{grantedCount === 1 ? '' : 's'} granted
        </span>
        <Button onClick={onDone}>Cancel</Button>
        <Button
          variant="primary"
          disabled={setGrants.isPending}
          onClick={() =>
            setGrants.mutate(
              { username: user.username, grants: grantsFromDraft(draft) },
              {
                onSuccess: () => {
                  notices.success(`Grants of ${user.username} saved`);
                  onDone();
                },
              },
            )
          }
        >
          {setGrants.isPending ? 'Saving…' : 'Save grants'}
        </Button>
      </div>
    </div>
  );
}
