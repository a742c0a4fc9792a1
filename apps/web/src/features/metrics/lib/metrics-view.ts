/**
 * Subscription by view: what the page on screen needs from `WS /api/v1/metrics`. Each mounted
 * component that shows live metrics registers a {@link MetricsViewRequest} (the domains table:
 * every domain, the fields it shows; `xl top`: every domain, every field; a domain's page: that
 * domain, every field); the registry merges them into the one `subscribe` message the app's
 * socket sends (`@xendeck/api` `metricsClientMessageSchema`), and tells the stream when it
 * changed so it re-sends it. With nothing registered (overview, config pages) the subscription
 * asks for no domain: the frames then carry only the host part, which every page's header and
 * the overview's charts read.
 */
import { METRICS_SUBSCRIBE_MAX_DOMAINS, type MetricsClientMessage } from '@xendeck/api';
import { METRICS_FIELDS, type MetricsField } from './contract';

/** One component's need: `'*'` or domain names, and the per-domain fields it reads. */
export interface MetricsViewRequest {
  domains: '*' | readonly string[];
  fields: readonly MetricsField[];
}

/** What a page with no live domain figures subscribes to: no domain, one (cheap) field. */
export const HOST_ONLY: MetricsViewRequest = { domains: [], fields: ['state'] };

/** Every field (`xl top`, a domain's page). */
export const ALL_FIELDS: readonly MetricsField[] = METRICS_FIELDS;

/**
 * The `subscribe` message for `requests` together: `'*'` when any asks for every domain, else
 * the union of names (sorted); the union of fields in `METRICS_FIELDS` order. No request:
 * {@link HOST_ONLY}. More names than the schema takes (`METRICS_SUBSCRIBE_MAX_DOMAINS`) fall back
 * to `'*'`.
 */
export function mergeViews(requests: Iterable<MetricsViewRequest>): MetricsClientMessage {
  let all = false;
  const names = new Set<string>();
  const fields = new Set<MetricsField>();
  let any = false;
  for (const r of requests) {
    any = true;
    if (r.domains === '*') all = true;
    else for (const n of r.domains) names.add(n);
    for (const f of r.fields) fields.add(f);
  }
  if (!any) return mergeViews([HOST_ONLY]);
  const domains =
    all || names.size > METRICS_SUBSCRIBE_MAX_DOMAINS ? ('*' as const) : [...names].sort();
  return {
    type: 'subscribe',
    domains,
    fields: METRICS_FIELDS.filter((f) => fields.has(f)),
  };
}

/**
 * The registered view requests of the page. `add` returns the function that removes it;
 * listeners hear every change, synchronously, with `added` true for an add, false for a remove.
 */
export class MetricsViews {
  private readonly requests = new Map<number, MetricsViewRequest>();
  private readonly listeners = new Set<(added: boolean) => void>();
  private nextId = 0;

  add(request: MetricsViewRequest): () => void {
    const id = this.nextId++;
    this.requests.set(id, request);
    this.emit(true);
    return () => {
      if (this.requests.delete(id)) this.emit(false);
    };
  }

  /** The merged `subscribe` message now. */
  message(): MetricsClientMessage {
    return mergeViews(this.requests.values());
  }

  subscribe(listener: (added: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(added: boolean): void {
    for (const l of this.listeners) l(added);
  }
}
