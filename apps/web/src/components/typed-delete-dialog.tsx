/**
 * Delete behind a typed name, for things that cannot come back (a logical volume, an image file,
 * an ISO): while `blockedReason` is set, a disabled Delete with the reason beside it (and as its
 * title); otherwise a confirmation whose Delete is enabled only once `name` is typed exactly.
 * `children` explain what is lost. Test ids: `<testIdPrefix>-button`, `-blocked`, `-confirm-input`.
 */
import { type ReactNode, useId, useState } from 'react';
import { Button } from './button';
import { ConfirmDialog } from './confirm-dialog';
import { inputClass } from './form-field';

export function TypedDeleteDialog({
  name,
  title,
  blockedReason,
  onConfirm,
  children,
  testIdPrefix,
  showReason = true,
  actionLabel = 'Delete',
}: {
  /** What must be typed. */
  name: string;
  title: string;
  /** Why Delete is disabled now (its users, its state), or undefined. */
  blockedReason?: string | undefined;
  onConfirm: () => void;
  children: ReactNode;
  testIdPrefix: string;
  /** Show the reason beside the disabled button (false: only its title and screen readers, where
   * a column nearby already says it). */
  showReason?: boolean;
  /** The button's word (default `Delete`; `Revert` for a snapshot revert, which loses changes too). */
  actionLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const id = useId();

  if (blockedReason) {
    return (
      <span className="inline-flex items-center gap-2">
        <Button
          size="sm"
          variant="danger-outline"
          disabled
          title={blockedReason}
          data-testid={`${testIdPrefix}-button`}
        >
          {actionLabel}
        </Button>
        <span
          className={showReason ? 'text-xs text-zinc-500 dark:text-zinc-400' : 'sr-only'}
          data-testid={`${testIdPrefix}-blocked`}
        >
          {blockedReason}
        </span>
      </span>
    );
  }

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setTyped('');
      }}
      trigger={
        <Button size="sm" variant="danger-outline" data-testid={`${testIdPrefix}-button`}>
          {actionLabel}
        </Button>
      }
      title={title}
      confirmLabel={actionLabel}
      confirmVariant="danger"
      confirmDisabled={typed !== name}
      onConfirm={onConfirm}
    >
      {children}
      <label htmlFor={`${id}-confirm`} className="text-zinc-800 dark:text-zinc-200">
        Type <span className="font-mono font-semibold">{name}</span> to confirm:
      </label>
      <input
        id={`${id}-confirm`}
        className={`${inputClass} font-mono`}
        autoComplete="off"
        spellCheck={false}
        value={typed}
        onChange={(ev) => setTyped(ev.target.value)}
        data-testid={`${testIdPrefix}-confirm-input`}
      />
    </ConfirmDialog>
  );
}
