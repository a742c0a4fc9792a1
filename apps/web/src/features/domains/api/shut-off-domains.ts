/**
 * The domains that are not running but may be started by the person logged in, shown as
 * "shut off" rows under the running ones (`GET /domains` lists running domains only):
 *
 * - a customer: the domains of their grants (`GET /session` `grants`, already in the session
 *   query) — names only, they never learn whether a config file exists until they press Start;
 * - an operator or admin: `GET /api/v1/startable-domains`, the names of the config files of which
 *   no domain runs (no paths, no text; operators may not read config files).
 *
 * Either list goes through `@xendeck/api`'s {@link startableNames} against the domain list, so a
 * domain that started meanwhile is not shown twice.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type Domain, startableDomainsSchema, startableNames } from '@xendeck/api';
import { useSession } from '@/features/auth';
import { apiFetch } from '@/lib/api-client';

/** Cache key of the startable list; under `['domains']`, so a start or stop refreshes it. */
export const startableDomainsQueryKey = ['domains', 'startable'] as const;

/**
 * `GET /api/v1/startable-domains` → config file names (A→Z) of which no domain runs. Operators
 * and admins only (a customer gets 403). Throws ApiError.
 */
export async function getStartableDomains(signal?: AbortSignal): Promise<string[]> {
  const body = await apiFetch('/startable-domains', {
    schema: startableDomainsSchema,
    ...(signal ? { signal } : {}),
  });
  return body.names;
}

/**
 * The names to show as shut off next to `domains` (the running list): see the module header.
 * `names` is empty while loading or when the list failed (`error` says why).
 */
export function useShutOffDomains(domains: readonly Pick<Domain, 'name'>[] | undefined): {
  names: string[];
  error: Error | null;
} {
  const session = useSession().data;
  const isCustomer = session?.role === 'customer';
  // Keyed by the running names too: a domain that stops shows up at once, not at the next poll.
  const running = (domains ?? []).map((d) => d.name).join(' ');
  const startable = useQuery<string[]>({
    queryKey: [...startableDomainsQueryKey, running],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => getStartableDomains(signal),
    enabled: !!session && !isCustomer,
    refetchInterval: 15_000,
  });
  const candidates = isCustomer
    ? (session?.grants ?? []).map((g) => g.domain)
    : (startable.data ?? []);
  return {
    names: domains ? startableNames(candidates, domains) : [],
    error: isCustomer ? null : startable.error,
  };
}
