/**
 * Viewer counts of consoles, per (domain name, console kind): how many browsers watch a domain's
 * VNC screen, PV console or serial port through this server right now. The VNC proxy and the text
 * console hub `add` a viewer when a websocket opens and call the release they got back when it
 * closes. `app.ts` broadcasts every change on `/api/v1/events` as
 * `{ type: 'console.viewers', name, kind, viewers }`; `GET /api/v1/domains/:name/console` reads
 * the counts. Keyed by name, not domid, as consoles follow the domain across reboots.
 */
import type { ConsoleKind } from '@xendeck/api';
import type { Logger } from 'pino';

/** Called after a count changed, with the new count. */
export type ViewersListener = (name: string, kind: ConsoleKind, viewers: number) => void;

/** The viewer counts (see the module header); one per app (`app.consoles.viewers`). */
export class ConsoleViewers {
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<ViewersListener>();

  /** `logger` receives errors thrown by listeners (which never stop the others). */
  constructor(private readonly logger?: Logger) {}

  private static key(name: string, kind: ConsoleKind): string {
    return `${kind}\u0000${name}`;
  }

  /**
   * Counts one more viewer of `kind` console of `name`; returns its release, which counts it out
   * once (later calls do nothing). Listeners hear of both changes.
   */
  add(name: string, kind: ConsoleKind): () => void {
    const key = ConsoleViewers.key(name, kind);
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.emit(name, kind, n);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
      this.emit(name, kind, left);
    };
  }

  /** Viewers of `kind` console of `name` now (0 when none). */
  count(name: string, kind: ConsoleKind): number {
    return this.counts.get(ConsoleViewers.key(name, kind)) ?? 0;
  }

  /** Subscribes to count changes; returns the unsubscribe function. */
  onChange(listener: ViewersListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(name: string, kind: ConsoleKind, viewers: number): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(name, kind, viewers);
      } catch (err) {
        this.logger?.warn({ err, name, kind }, 'console viewers listener failed');
      }
    }
  }
}
