import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Dom0MemoryRequest, Host } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { apiFetch } from '@/lib/api-client';
import { hostQueryKey } from './get-host';

/**
 * `PUT /api/v1/host/dom0/memory {targetMiB}`: sets dom0's balloon target (as `xl mem-set Domain-0 <MiB>m`).
 * dom0 reaches it over seconds. Throws ApiError: 422 `MEMORY_OUT_OF_RANGE` outside
 * `dom0.minMemoryMiB..maxMemoryMiB` (details carry minKiB/maxKiB), `LIBXL_ERROR`.
 */
export async function setDom0Memory(request: Dom0MemoryRequest): Promise<void> {
  await apiFetch('/host/dom0/memory', { method: 'PUT', body: request });
}

/** The `xl` command equivalent to {@link setDom0Memory}: xl-config's twin, as the audit log has it. */
export function dom0MemSetCommand(targetMiB: number): string {
  return xlCommand({ action: 'mem-set', name: 'Domain-0', targetMiB });
}

/**
 * Sets dom0's target, then writes the new target into `['host']` at once (so "ballooning…" shows
 * and the 1 s polling starts) and refetches it.
 */
export function useSetDom0Memory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setDom0Memory,
    onSuccess: (_void, { targetMiB }) => {
      queryClient.setQueryData<Host>(hostQueryKey, (host) =>
        host ? { ...host, dom0: { ...host.dom0, targetMiB } } : host,
      );
      return queryClient.invalidateQueries({ queryKey: hostQueryKey });
    },
  });
}
