/** The metrics websocket's state as a small dot and word (header of live pages, `xl top`). */
import type { MetricsStatus } from '../lib/metrics-store';

const statusText: Record<MetricsStatus, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  paused: 'paused (tab hidden)',
};

/** Where the metrics stream is: live, connecting, or paused because the tab is hidden. */
export function MetricsStatusNote({ status }: { status: MetricsStatus }) {
  const dot =
    status === 'live'
      ? 'bg-emerald-500'
      : status === 'paused'
        ? 'bg-zinc-400'
        : status === 'reconnecting'
          ? 'bg-amber-500 animate-pulse'
          : 'bg-zinc-400 animate-pulse';
  return (
    <span
      data-testid="metrics-status"
      className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-300"
      title={
        status === 'paused'
          ? 'The metrics stream is closed while this tab is hidden; it resumes when you come back'
          : 'State of the metrics websocket (one sample a second)'
      }
    >
      <span className={`size-2 rounded-full ${dot}`} aria-hidden="true" />
      {statusText[status]}
    </span>
  );
}
