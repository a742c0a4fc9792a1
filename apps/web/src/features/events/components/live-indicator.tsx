import type { LiveStatus } from '../api/use-domain-events';

const look: Record<LiveStatus, { dot: string; text: string; title: string }> = {
  live: {
    dot: 'bg-emerald-500',
    text: 'live',
    title: 'Receiving domain events from the server',
  },
  connecting: {
    dot: 'bg-zinc-400 animate-pulse',
    text: 'connecting…',
    title: 'Connecting to the events stream',
  },
  reconnecting: {
    dot: 'bg-amber-500 animate-pulse',
    text: 'reconnecting…',
    title: 'Events stream lost; the domain list may be stale until it reconnects',
  },
};

/** Small dot and word telling whether the events websocket is connected. */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  const { dot, text, title } = look[status];
  return (
    <span
      role="status"
      data-testid="live-indicator"
      title={title}
      className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-300"
    >
      <span className={`size-2 rounded-full ${dot}`} aria-hidden="true" />
      {text}
    </span>
  );
}
