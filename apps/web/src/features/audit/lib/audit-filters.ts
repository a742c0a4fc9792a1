/**
 * The audit page's filters as the form holds them (strings, empty = no filter) and their
 * translation to `GET /api/v1/audit` query parameters (`auditQuerySchema` of @xendeck/api):
 * `since` / `until` come from `datetime-local` inputs (the browser's local time) as ms since
 * the epoch.
 */
import type { AuditResultFilter } from '@xendeck/api';

export interface AuditFilters {
  user: string;
  domain: string;
  /** Prefix of the action, e.g. `domain.` or `volume.create`. */
  action: string;
  /** Text in the target or the command. */
  q: string;
  result: '' | AuditResultFilter;
  /** `YYYY-MM-DDTHH:mm` local time, or ''. */
  since: string;
  until: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = {
  user: '',
  domain: '',
  action: '',
  q: '',
  result: '',
  since: '',
  until: '',
};

/** ms since the epoch of a `datetime-local` value (local time), or undefined when empty or invalid. */
export function localTimeToMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The query parameters of `filters` (without the page's `before` and `limit`): trimmed, empty
 * ones left out, times as ms.
 */
export function auditSearchParams(filters: AuditFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of ['user', 'domain', 'action', 'q', 'result'] as const) {
    const v = filters[key].trim();
    if (v) p.set(key, v);
  }
  const since = localTimeToMs(filters.since);
  const until = localTimeToMs(filters.until);
  if (since !== undefined) p.set('since', String(since));
  if (until !== undefined) p.set('until', String(until));
  return p;
}
