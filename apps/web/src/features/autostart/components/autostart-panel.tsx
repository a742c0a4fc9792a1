/**
 * The host overview's Autostart panel: whether dom0's xendomains service runs, what it does at
 * dom0 shutdown (save every guest to a directory, or shut them down; migrate first) and at boot
 * (restore the saved ones, start the linked configs), the configs that start at boot with their
 * toggles and twins, and the warnings the server found. All from `GET /api/v1/host/autostart`.
 */
import type { HostAutostart } from '@xendeck/api';
import { Link } from 'react-router';
import { QueryState } from '@/components/panel';
import { useHostAutostart } from '../api/get-host-autostart';
import { AutostartSwitch } from './autostart-switch';

/** One sentence for what xendomains does when dom0 shuts down. */
export function shutdownSentence(s: HostAutostart['settings']): string {
  const a = s.atShutdown;
  const migrate = a.migrateTo ? `migrates every guest to ${a.migrateTo}, then ` : '';
  const wait = a.maxWaitSeconds !== null ? ` (up to ${a.maxWaitSeconds} s each)` : '';
  return a.action === 'save'
    ? `${migrate}saves every running guest to ${a.saveDir}${wait}; a guest it cannot save is shut down`
    : `${migrate}shuts every running guest down and waits for it${wait}`;
}

/** One sentence for what xendomains does when dom0 boots. */
export function bootSentence(s: HostAutostart['settings']): string {
  const b = s.atBoot;
  const restore = b.restore ? `restores the guests saved in ${s.atShutdown.saveDir}, then ` : '';
  return b.autoDir
    ? `${restore}starts each config linked in ${b.autoDir} whose guest is not running`
    : `${restore}starts no config (XENDOMAINS_AUTO is empty)`;
}

export function AutostartPanel() {
  const q = useHostAutostart();
  if (!q.data) return <QueryState isPending={q.isPending} error={q.error} what="autostart" />;
  const h = q.data;
  const linked = h.configs.filter((c) => c.enabled || c.state === 'foreign');
  const svc = h.service;
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="autostart-panel">
      {h.simulated ? (
        <p className="text-xs text-amber-800 dark:text-amber-300">
          Simulated: the service is fixed and the settings come from a copy of Debian's file in the
          state dir ({h.settings.path}).
        </p>
      ) : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
        <dt className="text-zinc-500 dark:text-zinc-400">xendomains</dt>
        <dd data-testid="xendomains-state">
          <span
            className={`rounded px-1.5 py-0.5 text-xs font-medium ${
              svc.enabled
                ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
                : 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200'
            }`}
          >
            {svc.enabled ? 'enabled' : svc.installed ? svc.state : 'not installed'}
          </span>
          <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">
            {svc.source === 'systemctl'
              ? `systemctl is-enabled: ${svc.state}${svc.active ? `, is-active: ${svc.active}` : ''}`
              : svc.source === 'rc.d'
                ? 'SysV links in /etc/rc2.d'
                : svc.source}
          </span>
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">At dom0 shutdown</dt>
        <dd data-testid="xendomains-shutdown">{shutdownSentence(h.settings)}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">At dom0 boot</dt>
        <dd data-testid="xendomains-boot">{bootSentence(h.settings)}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Settings</dt>
        <dd className="font-mono text-xs">
          {h.settings.exists ? h.settings.path : `${h.settings.path} (missing)`}
        </dd>
      </dl>
      {h.warnings.length > 0 ? (
        <ul
          className="flex flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
          data-testid="autostart-warnings"
        >
          {h.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <div>
        <h3 className="mb-1 text-xs font-medium text-zinc-500 dark:text-zinc-400">
          Starts at boot ({h.autoDir}
          {h.autoDirExists ? '' : ', not created yet'})
        </h3>
        {linked.length === 0 ? (
          <p className="text-xs text-zinc-500" data-testid="autostart-empty">
            No config starts at boot. Turn it on per config in{' '}
            <Link to="/configs" className="text-sky-700 hover:underline dark:text-sky-400">
              Config files
            </Link>
            .
          </p>
        ) : (
          <ul className="flex flex-col gap-1.5" data-testid="autostart-list">
            {linked.map((c) => (
              <li key={c.name} className="flex items-center gap-3">
                <Link
                  to={`/configs/${encodeURIComponent(c.name)}`}
                  className="min-w-24 font-mono text-sky-800 hover:underline dark:text-sky-300"
                >
                  {c.name}
                </Link>
                <div className="min-w-0 flex-1">
                  <AutostartSwitch status={c} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
