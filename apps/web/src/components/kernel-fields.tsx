import type { FieldError, UseFormRegisterReturn } from 'react-hook-form';
import { Field, inputClass } from './form-field';

type KernelField = 'kernel' | 'ramdisk' | 'extra';

const FIELDS: readonly { key: KernelField; label: string; hint: string; placeholder: string }[] = [
  {
    key: 'kernel',
    label: 'Kernel',
    hint: 'dom0 path',
    placeholder: '/var/lib/xen/kernels/vmlinuz',
  },
  {
    key: 'ramdisk',
    label: 'Ramdisk (optional)',
    hint: 'dom0 path of the initrd',
    placeholder: '/var/lib/xen/kernels/initrd.img',
  },
  {
    key: 'extra',
    label: 'Extra kernel arguments (optional)',
    hint: 'Appended to the kernel command line',
    placeholder: 'console=hvc0 root=/dev/xvda1',
  },
];

/**
 * A direct kernel boot's three fields (xl `kernel`, `ramdisk`, `extra`: dom0 paths and the
 * command line), for any react-hook-form form that has them: pass `register('kernel')` etc.
 * Ids are `<idPrefix>-kernel`, `-ramdisk`, `-extra`; each error shows at its field.
 */
export function KernelFields({
  idPrefix,
  fields,
  errors,
}: {
  idPrefix: string;
  fields: Record<KernelField, UseFormRegisterReturn>;
  errors: Partial<Record<KernelField, Pick<FieldError, 'message'>>>;
}) {
  return (
    <>
      {FIELDS.map((f) => (
        <Field
          key={f.key}
          label={f.label}
          htmlFor={`${idPrefix}-${f.key}`}
          error={errors[f.key]}
          hint={f.hint}
        >
          <input
            id={`${idPrefix}-${f.key}`}
            className={`${inputClass} font-mono`}
            placeholder={f.placeholder}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors[f.key] ? true : undefined}
            {...fields[f.key]}
          />
        </Field>
      ))}
    </>
  );
}
