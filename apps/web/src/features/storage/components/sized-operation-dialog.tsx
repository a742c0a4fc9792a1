/**
 * The four sized operations (create volume, grow, snapshot, new image file) as one dialog: an
 * optional name field, a size with its unit, validated with react-hook-form and the form schemas
 * (`lib/forms.ts`, names by the api's rules), then sent; on 202 the dialog closes and the task is
 * handed to the page (`onStarted`).
 */
import { zodResolver } from '@hookform/resolvers/zod';
import type { Task } from '@xendeck/api';
import { type ReactNode, useId, useState } from 'react';
import { type Resolver, useForm } from 'react-hook-form';
import type { z } from 'zod';
import { Button } from '@/components/button';
import { FormDialog } from '@/components/form-dialog';
import { Field, inputBaseClass, inputClass } from '@/components/form-field';
import { type StorageOperation, useStorageOperation } from '../api/storage-operations';
import type { NamedSizedFormValues } from '../lib/forms';
import { SIZE_UNITS, type SizeUnit, sizeToBytes } from '../lib/size-input';

export function SizedOperationDialog({
  triggerLabel,
  triggerTestId,
  triggerVariant = 'secondary',
  title,
  description,
  submitLabel,
  nameField,
  sizeLabel,
  sizeHint,
  schema,
  defaults,
  toOperation,
  onStarted,
}: {
  triggerLabel: string;
  triggerTestId: string;
  triggerVariant?: 'primary' | 'secondary';
  title: string;
  description: ReactNode;
  submitLabel: string;
  /** Label and hint of the name field; without it the form has no name (grow). */
  nameField?: { label: string; hint: ReactNode };
  sizeLabel: string;
  sizeHint: ReactNode;
  schema: z.ZodType;
  defaults: { name?: string; amount: number; unit: SizeUnit };
  /** The operation for valid values, the size already in bytes. */
  toOperation: (v: { name: string; sizeBytes: number }) => StorageOperation;
  onStarted: (task: Task) => void;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const mutation = useStorageOperation();
  const form = useForm<NamedSizedFormValues>({
    // The four schemas differ in their name rule; all read {name, amount, unit}.
    resolver: zodResolver(schema as z.ZodObject) as unknown as Resolver<NamedSizedFormValues>,
    defaultValues: { name: defaults.name ?? '', amount: defaults.amount, unit: defaults.unit },
  });
  const { register, handleSubmit, formState, reset } = form;
  const e = formState.errors;

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      mutation.reset();
      reset({ name: defaults.name ?? '', amount: defaults.amount, unit: defaults.unit });
    }
  };

  const onSubmit = handleSubmit((v) => {
    const op = toOperation({ name: v.name, sizeBytes: sizeToBytes(v.amount, v.unit) });
    mutation.mutate(op, {
      onSuccess: ({ task }) => {
        setOpen(false);
        onStarted(task);
      },
    });
  });

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <Button size="sm" variant={triggerVariant} data-testid={triggerTestId}>
          {triggerLabel}
        </Button>
      }
      title={title}
      description={description}
      submitLabel={submitLabel}
      pending={mutation.isPending}
      error={mutation.error}
      onSubmit={onSubmit}
    >
      {nameField ? (
        <Field label={nameField.label} hint={nameField.hint} error={e.name} htmlFor={`${id}-name`}>
          <input
            id={`${id}-name`}
            className={`${inputClass} font-mono`}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={e.name ? true : undefined}
            {...register('name')}
          />
        </Field>
      ) : null}
      <Field label={sizeLabel} hint={sizeHint} error={e.amount ?? e.unit} htmlFor={`${id}-amount`}>
        <div className="flex gap-2">
          <input
            id={`${id}-amount`}
            type="number"
            min={0}
            step="any"
            className={`${inputBaseClass} w-32 tabular-nums`}
            aria-invalid={e.amount ? true : undefined}
            {...register('amount', { valueAsNumber: true })}
          />
          <select aria-label="Unit" className={`${inputBaseClass} w-20`} {...register('unit')}>
            {Object.keys(SIZE_UNITS).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </div>
      </Field>
    </FormDialog>
  );
}
