import { useMutation, useQueryClient } from '@tanstack/react-query';
import { checkDomainState, type Domain, type DomainOperation } from '@xendeck/api';
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
 * Operations allowed on a domain in its current state: `@xendeck/api`'s domain rules, the table
 * both hypervisor backends enforce (dom0 gets none; a paused domain can be resumed or destroyed; a
 * shut-down, crashed or dying one only destroyed).
 */
export { allowedOperations } from '@xendeck/api';

/**
 * A button's tooltip: the `xl` command when the rule allows the operation now, otherwise the
 * rule's refusal (e.g. "cannot shutdown domid 7: it has crashed: only destroy clears it").
 */
export function operationTitle(
  operation: DomainOperation,
  domain: Pick<Domain, 'domid' | 'name' | 'state'>,
): string {
  const rule = checkDomainState(operation, domain.domid, domain.state);
  return rule.ok ? xlOperationCommand(operation, domain.name) : rule.message;
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
