import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type StartResult, startResultSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { configsListQueryKey } from './get-configs';

/**
 * `POST /api/v1/domains/:name/start`: the server runs `xl create /etc/xen/<name>.cfg` (argument
 * array, no shell). Resolves with the new domid and xl's output. Throws ApiError: 404
 * `CONFIG_NOT_FOUND`, 409 `DOMAIN_EXISTS`, `CREATE_FAILED` whose message is xl's error text.
 */
export function startDomain(name: string): Promise<StartResult> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/start`, {
    method: 'POST',
    body: {},
    schema: startResultSchema,
  });
}

/** The `xl` command equivalent to {@link startDomain} for a config file. */
export function xlCreateCommand(configPath: string): string {
  return `xl create ${configPath}`;
}

/** Starts a domain; refreshes the config list (its running flag) and the domain list. */
export function useStartDomain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startDomain,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: configsListQueryKey }),
        queryClient.invalidateQueries({ queryKey: ['domains'] }),
      ]),
  });
}
