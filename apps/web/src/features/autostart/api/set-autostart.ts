import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ConfigAutostart, configAutostartSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { configAutostartQueryKey } from './get-config-autostart';
import { hostAutostartQueryKey } from './get-host-autostart';

/**
 * `PUT /api/v1/configs/:name/autostart {enabled}`: links `<autoDir>/<name>.cfg` to the config
 * (`ln -s`) or removes the links to it (`rm`). Resolves with the status after. Throws ApiError:
 * 409 AUTOSTART_LINK_TAKEN when a file Xendeck did not make holds the name (never replaced nor
 * deleted), 404 CONFIG_NOT_FOUND.
 */
export function setAutostart(name: string, enabled: boolean): Promise<ConfigAutostart> {
  return apiFetch(`/configs/${encodeURIComponent(name)}/autostart`, {
    method: 'PUT',
    body: { enabled },
    schema: configAutostartSchema,
  });
}

/** {@link setAutostart}; puts the answer in the config's status and refetches the host's list. */
export function useSetAutostart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, enabled }: { name: string; enabled: boolean }) =>
      setAutostart(name, enabled),
    onSuccess: (status) => {
      queryClient.setQueryData(configAutostartQueryKey(status.name), status);
      return queryClient.invalidateQueries({ queryKey: hostAutostartQueryKey });
    },
  });
}
