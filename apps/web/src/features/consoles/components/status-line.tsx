/**
 * A console's status line: a coloured dot, the connection words (`data-testid="console-status"`,
 * exactly "Connecting…", "Connected", "Waiting: <reason>", "Reconnecting…", "Disconnected:
 * <reason>"), a hint after them (why it reconnects), the viewer count
 * (`data-testid="console-viewers"`, "2 viewers"), and whatever the view adds on the right.
 */
import type { ReactNode } from 'react';
import { type ConsoleConnection, connectionText, viewersText } from '../lib/console-state';

const dots: Record<ConsoleConnection['state'], string> = {
  connecting: 'bg-zinc-400 animate-pulse',
  connected: 'bg-emerald-500',
  waiting: 'bg-amber-500',
  reconnecting: 'bg-amber-500 animate-pulse',
  disconnected: 'bg-red-500',
};

function hint(c: ConsoleConnection): string | null {
  if (c.state === 'reconnecting') {
    return c.rebooting ? `guest rebooting… (${c.reason})` : c.reason;
  }
  if (c.state === 'connected' && c.domid !== undefined) return `domid ${c.domid}`;
  return null;
}

export function ConsoleStatusLine({
  connection,
  viewers,
  children,
}: {
  connection: ConsoleConnection;
  /** Viewers of this console now (this one included), when known. */
  viewers: number | undefined;
  children?: ReactNode;
}) {
  const extra = hint(connection);
  return (
    <div className="flex min-h-7 flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-300">
      <span className="inline-flex items-center gap-1.5" role="status">
        <span aria-hidden="true" className={`size-2 rounded-full ${dots[connection.state]}`} />
        <span data-testid="console-status">{connectionText(connection)}</span>
        {extra ? <span className="text-zinc-500 dark:text-zinc-400">— {extra}</span> : null}
      </span>
      {viewers !== undefined ? (
        <span
          data-testid="console-viewers"
          title="Browsers connected to this console through Xendeck"
        >
          {viewersText(viewers)}
        </span>
      ) : null}
      {children ? <span className="ml-auto flex items-center gap-3">{children}</span> : null}
    </div>
  );
}
