import type { Domain, DomainOperation } from '@xendeck/api';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useNotices } from '@/components/notices';
import { useAccess } from '@/features/auth';
import {
  allowedOperations,
  operationLabels,
  operationTitle,
  useDomainOperation,
  xlOperationCommand,
} from '../api/domain-operation';
import { DestroyDialog } from './destroy-dialog';

const plainOperations: DomainOperation[] = ['shutdown', 'reboot', 'pause', 'unpause'];

/** Operations that stop what the guest is doing: asked for confirmation first (Destroy has its own dialog). */
const confirmed: Partial<Record<DomainOperation, (name: string) => string>> = {
  shutdown: (name) =>
    `Asks ${name}'s operating system to shut down (as xl shutdown does: the ACPI power button or the PV shutdown request). Unsaved work in the guest is lost if it does not save it; a guest that ignores the request keeps running.`,
  reboot: (name) =>
    `Asks ${name}'s operating system to reboot (xl reboot). Its consoles show "rebooting" and reconnect to the new boot by themselves; the domain gets a new domid.`,
};

/**
 * The action buttons of one domain row (also the console toolbars' power actions). Each shows its
 * `xl` command as a tooltip; all are disabled while one of them runs; failures go to the notice
 * region with the server's message. Shutdown and Reboot ask for confirmation first (the
 * confirm button has the action's name); Destroy has its own dialog. Nothing for a person without
 * the `power` permission on the domain (features/auth).
 */
export function DomainActions({ domain }: { domain: Domain }) {
  const notices = useNotices();
  const operation = useDomainOperation(domain.name);
  const allowed = allowedOperations(domain);
  const mayPower = useAccess().can('power', domain.name);

  if (!mayPower) return null;
  if (domain.domid === 0) {
    return <span className="text-xs text-zinc-400 dark:text-zinc-500">control domain</span>;
  }

  const run = (op: DomainOperation) =>
    operation.mutate(op, {
      onError: (error) => notices.error(`${operationLabels[op]} ${domain.name}`, error),
    });
  const busy = operation.isPending;

  return (
    <div className="flex justify-end gap-1">
      {plainOperations.map((op) => {
        const explain = confirmed[op];
        const button = (
          <Button
            key={op}
            size="sm"
            disabled={busy || !allowed.has(op)}
            title={operationTitle(op, domain)}
            aria-busy={busy && operation.variables === op}
            onClick={explain ? undefined : () => run(op)}
          >
            {operationLabels[op]}
          </Button>
        );
        if (!explain) return button;
        return (
          <ConfirmDialog
            key={op}
            title={`${operationLabels[op]} ${domain.name}?`}
            confirmLabel={operationLabels[op]}
            onConfirm={() => run(op)}
            trigger={button}
          >
            <p>{explain(domain.name)}</p>
            <p className="font-mono text-xs">{xlOperationCommand(op, domain.name)}</p>
          </ConfirmDialog>
        );
      })}
      <DestroyDialog
        name={domain.name}
        domid={domain.domid}
        onConfirm={() => run('destroy')}
        trigger={
          <Button
            size="sm"
            variant="danger-outline"
            disabled={busy || !allowed.has('destroy')}
            title={operationTitle('destroy', domain)}
            aria-busy={busy && operation.variables === 'destroy'}
          >
            Destroy
          </Button>
        }
      />
    </div>
  );
}
