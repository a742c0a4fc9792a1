import type { Domain, DomainOperation } from '@xendeck/api';
import { Button } from '@/components/button';
import { useNotices } from '@/components/notices';
import {
  allowedOperations,
  operationLabels,
  useDomainOperation,
  xlOperationCommand,
} from '../api/domain-operation';
import { DestroyDialog } from './destroy-dialog';

const plainOperations: DomainOperation[] = ['shutdown', 'reboot', 'pause', 'unpause'];

/**
 * The action buttons of one domain row. Each shows its `xl` command as a tooltip; all are disabled
 * while one of them runs; failures go to the notice region with the server's message. Destroy asks
 * for confirmation first.
 */
export function DomainActions({ domain }: { domain: Domain }) {
  const notices = useNotices();
  const operation = useDomainOperation(domain.name);
  const allowed = allowedOperations(domain);

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
      {plainOperations.map((op) => (
        <Button
          key={op}
          size="sm"
          disabled={busy || !allowed.has(op)}
          title={xlOperationCommand(op, domain.name)}
          aria-busy={busy && operation.variables === op}
          onClick={() => run(op)}
        >
          {operationLabels[op]}
        </Button>
      ))}
      <DestroyDialog
        name={domain.name}
        domid={domain.domid}
        onConfirm={() => run('destroy')}
        trigger={
          <Button
            size="sm"
            variant="danger-outline"
            disabled={busy || !allowed.has('destroy')}
            title={xlOperationCommand('destroy', domain.name)}
            aria-busy={busy && operation.variables === 'destroy'}
          >
            Destroy
          </Button>
        }
      />
    </div>
  );
}
