/**
 * The autostart toggle of one config ("Start at boot": a link in the auto dir that xendomains
 * reads at dom0's boot) with its shell twin (`ln -s …` / `rm …`, from the server's `command`),
 * copyable. A file Xendeck did not make at the link's name disables the toggle and says why.
 */
import type { ConfigAutostart } from '@xendeck/api';
import { CommandHint } from '@/components/command-hint';
import { CopyButton } from '@/components/copy-button';
import { useNotices } from '@/components/notices';
import { useConfigAutostart } from '../api/get-config-autostart';
import { useHostAutostart } from '../api/get-host-autostart';
import { useSetAutostart } from '../api/set-autostart';

/**
 * A switch for `status` (role="switch", `data-testid="autostart-toggle-<name>"`). `compact`
 * (table rows): the twin in the switch's title with a copy button; otherwise the twin shown.
 */
export function AutostartSwitch({
  status,
  compact = false,
}: {
  status: ConfigAutostart;
  compact?: boolean;
}) {
  const notices = useNotices();
  const set = useSetAutostart();
  const foreign = status.state === 'foreign';
  const on = status.enabled;
  const label = `Start ${status.name} at boot`;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label={label}
        aria-busy={set.isPending}
        data-testid={`autostart-toggle-${status.name}`}
        disabled={foreign || set.isPending}
        title={foreign ? status.note : `${label}: ${status.command}`}
        onClick={() =>
          set.mutate(
            { name: status.name, enabled: !on },
            {
              onSuccess: (after) =>
                notices.success(
                  after.enabled
                    ? `${status.name} starts at boot (${after.links.join(', ')})`
                    : `${status.name} no longer starts at boot`,
                  status.command,
                ),
              onError: (error) =>
                notices.error(`Autostart of ${status.name} (${status.command})`, error),
            },
          )
        }
        className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-not-allowed disabled:opacity-50 ${
          on
            ? 'border-sky-700 bg-sky-700 dark:border-sky-500 dark:bg-sky-600'
            : 'border-zinc-300 bg-zinc-200 dark:border-zinc-600 dark:bg-zinc-700'
        }`}
      >
        <span
          aria-hidden="true"
          className={`inline-block size-3.5 rounded-full bg-white shadow transition-transform ${on ? 'translate-x-4' : 'translate-x-0.5'}`}
        />
      </button>
      <span className="text-xs text-zinc-600 dark:text-zinc-300">
        {set.isPending ? 'saving…' : on ? 'at boot' : 'off'}
      </span>
      {foreign ? (
        <span
          className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          title={status.note}
          data-testid={`autostart-foreign-${status.name}`}
        >
          {status.linkPath} is not Xendeck's
        </span>
      ) : compact ? (
        <CopyButton
          text={status.command}
          label={`Copy command: ${status.command}`}
          testId={`autostart-copy-${status.name}`}
        />
      ) : (
        <span data-testid={`autostart-command-${status.name}`}>
          <CommandHint command={status.command} />
        </span>
      )}
    </span>
  );
}

/** The toggle of config `name` from `GET /configs/:name/autostart` (the config page). */
export function ConfigAutostartToggle({ name }: { name: string }) {
  const status = useConfigAutostart(name);
  if (!status.data) return <Unknown error={status.error} />;
  return <AutostartSwitch status={status.data} />;
}

/** The compact toggle of config `name` from the host's list (one query for a whole table). */
export function AutostartCell({ name }: { name: string }) {
  const host = useHostAutostart();
  const status = host.data?.configs.find((c) => c.name === name);
  if (!status) return <Unknown error={host.error} />;
  return <AutostartSwitch status={status} compact />;
}

/** A quiet placeholder (a secondary fact on its page): `…` while loading, `unknown` on error. */
function Unknown({ error }: { error: Error | null }) {
  return (
    <span className="text-xs text-zinc-500" title={error?.message}>
      {error ? 'unknown' : '…'}
    </span>
  );
}
