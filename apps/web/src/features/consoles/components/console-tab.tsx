/**
 * The Console tab of a domain (and the full-window console): a switch between **Screen** (VNC,
 * when the domain has it or is HVM), **Text console** (PV console) and **Serial** (HVM's emulated
 * serial port), chosen with `?console=vnc|pv|serial`, then that console. Availability and viewer
 * counts come from `GET /api/v1/domains/:name/console` (kept fresh by `console.viewers` events).
 * This module is loaded lazily (see the feature's index); it loads noVNC or xterm.js in turn.
 */
import type { ConsoleKind, ConsoleStatus, Domain } from '@xendeck/api';
import { useSearchParams } from 'react-router';
import { QueryState } from '@/components/panel';
import { useDomains } from '@/features/domains';
import { isApiError } from '@/lib/api-client';
import { useConsoleStatus } from '../api/get-console-status';
import { TextConsole } from './text-console';
import { VncConsole } from './vnc-console';

const LABELS: Record<ConsoleKind, string> = {
  vnc: 'Screen',
  pv: 'Text console',
  serial: 'Serial',
};

/**
 * The consoles offered, in order: VNC when the status says it is there or the domain is HVM
 * (QEMU's VNC comes and goes with the device model), PV when available or the domain is PV/PVH,
 * serial when available or the domain is HVM. `selected` stays offered so a console that
 * disappears for a reboot keeps its view (and reconnects).
 */
export function offeredConsoles(
  status: ConsoleStatus | undefined,
  domain: Pick<Domain, 'type'> | undefined,
  selected: ConsoleKind | null,
): ConsoleKind[] {
  const type = domain?.type;
  const offered = new Set<ConsoleKind>();
  if (status?.vnc.available || type === 'hvm') offered.add('vnc');
  if (status?.pv.available || type === 'pv' || type === 'pvh') offered.add('pv');
  if (status?.serial.available || type === 'hvm') offered.add('serial');
  if (selected) offered.add(selected);
  return (['vnc', 'pv', 'serial'] as const).filter((k) => offered.has(k));
}

function parseKind(value: string | null): ConsoleKind | null {
  return value === 'vnc' || value === 'pv' || value === 'serial' ? value : null;
}

export default function ConsoleTab({ name, fill = false }: { name: string; fill?: boolean }) {
  const [params, setParams] = useSearchParams();
  const status = useConsoleStatus(name);
  const domains = useDomains();
  const domain = domains.data?.find((d) => d.name === name);
  const requested = parseKind(params.get('console'));
  const offered = offeredConsoles(status.data, domain, requested);
  const kind = requested ?? offered[0];

  if (!kind) {
    if (status.isPending || domains.isPending) {
      return <QueryState isPending error={null} what="console status" />;
    }
    const notRunning = isApiError(status.error) && status.error.status === 404;
    return (
      <p className="pt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {notRunning || !domain ? (
          <>
            No domain named <span className="font-mono">{name}</span> is running now; its consoles
            show here when it starts.
          </>
        ) : (
          <>
            <span className="font-mono">{name}</span> has no console Xendeck can show: no VNC
            server, PV console or serial port in xenstore.
          </>
        )}
      </p>
    );
  }

  const select = (k: ConsoleKind) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set('console', k);
        return next;
      },
      { replace: true },
    );

  return (
    <div className={`flex min-h-0 flex-col gap-2 ${fill ? 'h-full' : 'pt-2'}`}>
      <div className="flex flex-wrap items-center gap-2">
        <fieldset className="flex gap-1">
          <legend className="sr-only">Console</legend>
          {offered.map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={k === kind}
              onClick={() => select(k)}
              className={`rounded-md border px-2.5 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-sky-600 ${
                k === kind
                  ? 'border-sky-600 bg-sky-50 text-sky-900 dark:border-sky-500 dark:bg-sky-950 dark:text-sky-100'
                  : 'border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800'
              }`}
            >
              {LABELS[k]}
            </button>
          ))}
        </fieldset>
        {!domain && !domains.isPending ? (
          <span className="text-xs text-amber-700 dark:text-amber-400">
            The domain is not running; the console reconnects when it starts.
          </span>
        ) : null}
        {status.data?.vnc.passwordProtected && kind === 'vnc' ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            vncpasswd is set: the server answers it, the browser never sees it
          </span>
        ) : null}
      </div>
      <div className={fill ? 'min-h-0 flex-1' : ''}>
        {kind === 'vnc' ? (
          <VncConsole
            key={name}
            name={name}
            domain={domain}
            available={status.data?.vnc.available ?? false}
            viewers={status.data?.vnc.viewers}
            fill={fill}
          />
        ) : (
          <TextConsole
            key={`${name}:${kind}`}
            name={name}
            type={kind}
            domain={domain}
            viewers={status.data?.[kind].viewers}
            {...(status.data ? { log: status.data.log } : {})}
            fill={fill}
          />
        )}
      </div>
    </div>
  );
}
