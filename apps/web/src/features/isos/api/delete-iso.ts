import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { isosQueryKey } from './get-isos';

/**
 * `DELETE /api/v1/isos/:name?confirm=:name`: 204, or ApiError ISO_IN_USE (409, the message names
 * the configs and running domains using it), ISO_NOT_FOUND (404).
 */
export function deleteIso(name: string): Promise<void> {
  const n = encodeURIComponent(name);
  // The server asks for the name again as ?confirm=; the dialog made the hoster type it.
  return apiFetch(`/isos/${n}?confirm=${n}`, { method: 'DELETE', body: {} });
}

/** Deletes an ISO, then refreshes the list. */
export function useDeleteIso() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteIso,
    onSettled: () => queryClient.invalidateQueries({ queryKey: isosQueryKey }),
  });
}
