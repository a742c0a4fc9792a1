import type { DomainEvent, DomainInfo } from './types.js';

/**
 * Compares the last domain list seen with a new one and returns the events that describe the
 * difference, in this order: `removed` (ascending domid), `added`, then `changed` (state differs).
 * A domid whose name or uuid changed (a domid reused by Xen after a reboot) counts as a removal
 * followed by an addition. Memory and CPU time changes are not events (they move constantly).
 * Both backends emit only what this function returns.
 */
export function diffDomains(
  previous: ReadonlyMap<number, DomainInfo>,
  next: readonly DomainInfo[],
): DomainEvent[] {
  const removed: DomainEvent[] = [];
  const added: DomainEvent[] = [];
  const changed: DomainEvent[] = [];
  const nextById = new Map(next.map((d) => [d.domid, d]));
  for (const [domid, old] of previous) {
    const now = nextById.get(domid);
    if (!now || now.name !== old.name || now.uuid !== old.uuid) {
      removed.push({ kind: 'removed', domid, name: old.name });
    }
  }
  for (const d of next) {
    const old = previous.get(d.domid);
    if (!old || old.name !== d.name || old.uuid !== d.uuid) {
      added.push({ kind: 'added', domain: d });
    } else if (old.state !== d.state) {
      changed.push({ kind: 'changed', domain: d, previousState: old.state });
    }
  }
  return [...removed, ...added, ...changed];
}

/**
 * Holds the listeners and the last list seen; `update(list)` diffs and emits. A listener that
 * throws does not stop the others: its error is reported with `process.emitWarning`.
 */
export class DomainEventHub {
  private readonly listeners = new Set<(event: DomainEvent) => void>();
  private lastSeen = new Map<number, DomainInfo>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Records `list` as the current state and emits the events of the difference, each carrying
   * `watchFiredAt` when given (the xenstore watch that caused this re-list; see DomainEvent).
   */
  update(list: readonly DomainInfo[], watchFiredAt?: number): DomainEvent[] {
    const diff = diffDomains(this.lastSeen, list);
    const events = watchFiredAt === undefined ? diff : diff.map((e) => ({ ...e, watchFiredAt }));
    this.lastSeen = new Map(list.map((d) => [d.domid, d]));
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        try {
          listener(event);
        } catch (err) {
          process.emitWarning(
            `a DomainEvent listener threw: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    }
    return events;
  }

  /** Drops every listener (used by close()). */
  clear(): void {
    this.listeners.clear();
  }
}
