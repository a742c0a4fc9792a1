import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Domain, DomainOperation } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { apiFetch } from '@/lib/api-client';

/**
 * `POST /api/v1/domains/:name/{shutdown,reboot,destroy,pause,unpause}`. Throws ApiError: 404
 * `DOMAIN_NOT_FOUND`, 409 `INVALID_STATE` (wrong state for the operation, or dom0), `LIBXL_ERROR`.
 */
export async function runDomainOperation(name: string, operation: DomainOperation): Promise<void> {
  await apiFetch(`/domains/${encodeURIComponent(name)}/${operation}`, { method: 'POST', body: {} });
}

/** The `xl` command equivalent to an operation, e.g. `xl destroy web1` (xl-config's xl twins). */
export function xlOperationCommand(operation: DomainOperation, name: string): string {
  return xlCommand({ action: operation, name });
}

/** Button labels; `unpause` reads "Resume" as people say it. */
export const operationLabels: Record<DomainOperation, string> = {
  shutdown: 'Shutdown',
  reboot: 'Reboot',
  pause: 'Pause',
  unpause: 'Resume',
  destroy: 'Destroy',
};

/**
 * Operations that make sense for a domain in its current state. dom0 gets none (the server refuses
 * them); a paused domain can be resumed or destroyed; a shut-down or crashed one only destroyed.
 */
export function allowedOperations(domain: Pick<Domain, 'domid' | 'state'>): Set<DomainOperation> {
  if (domain.domid === 0) return new Set();
  switch (domain.state) {
    case 'running':
    case 'blocked':
      return new Set(['shutdown', 'reboot', 'pause', 'destroy']);
    case 'paused':
      return new Set(['unpause', 'destroy']);
    case 'shutdown':
    case 'crashed':
      return new Set(['destroy']);
    case 'dying':
      return new Set();
  }
}

/**
 * Runs operations on one domain. The list refreshes through the events stream; the domain keys
 * are also invalidated so the table is right even while the stream reconnects.
 */
export function useDomainOperation(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (operation: DomainOperation) => runDomainOperation(name, operation),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['domains'] }),
  });
}
