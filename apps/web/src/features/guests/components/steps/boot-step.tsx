import { useWatch } from 'react-hook-form';
import { Link } from 'react-router';
import { Field, inputClass } from '@/components/form-field';
import { KernelFields } from '@/components/kernel-fields';
import { formatBytes } from '@/lib/format';
import type { WizardData } from '../wizard-data';
import { useStepForm } from './use-step-form';

/**
 * Step 2: how the guest boots. PV: pygrub (the kernel inside the guest's disk) or a kernel +
 * ramdisk + extra arguments from dom0; PVH: a kernel from dom0; HVM: a CD-ROM from the ISO library
 * (GET /isos) or none (boots from its disk or the network).
 */
export function BootStep({ data }: { data: WizardData }) {
  const { id, register, control, errors } = useStepForm();
  const [type, pvBoot, cdrom] = useWatch({ control, name: ['type', 'pvBoot', 'cdrom'] });

  if (type === 'hvm') {
    const isos = data.isos;
    return (
      <div className="flex flex-col gap-3">
        <Field
          label="CD-ROM"
          htmlFor={`${id}-cdrom`}
          error={errors.cdrom}
          hint={
            <>
              From the ISO library
              {isos ? (
                <>
                  {' '}
                  (<span className="font-mono">{isos.directory}</span>)
                </>
              ) : null}
              . The guest boots from it first (<code className="font-mono">boot = 'dc'</code>).{' '}
              <Link to="/isos" className="text-sky-700 underline dark:text-sky-400">
                Upload an ISO
              </Link>
            </>
          }
        >
          <select
            id={`${id}-cdrom`}
            className={inputClass}
            aria-invalid={errors.cdrom ? true : undefined}
            {...register('cdrom')}
          >
            <option value="">None (boot from disk or network)</option>
            {isos?.isos.map((iso) => (
              <option key={iso.name} value={iso.name}>
                {iso.name} — {formatBytes(iso.sizeBytes)}
              </option>
            ))}
          </select>
        </Field>
        {data.isosError ? (
          <p role="alert" className="text-xs text-red-700 dark:text-red-300">
            Could not list the ISO library: {data.isosError}
          </p>
        ) : isos && isos.isos.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="no-isos">
            The library is empty.{' '}
            <Link to="/isos" className="text-sky-700 underline dark:text-sky-400">
              Upload an installer ISO
            </Link>{' '}
            first, or create the guest without a CD-ROM.
          </p>
        ) : null}
        {cdrom === '' ? null : (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            After installing, “Eject and boot from disk” in the console’s toolbar ejects it and
            changes the boot order.
          </p>
        )}
      </div>
    );
  }

  const showKernel = type === 'pvh' || pvBoot === 'kernel';
  return (
    <div className="flex flex-col gap-3">
      {type === 'pv' ? (
        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Kernel from
          </legend>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" value="kernel" className="mt-1" {...register('pvBoot')} />
            <span>
              A kernel and ramdisk in dom0 (direct boot)
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                Safest: dom0 never reads the guest’s disk.
              </span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" value="pygrub" className="mt-1" {...register('pvBoot')} />
            <span>
              pygrub: the kernel inside the guest’s disk
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                pygrub parses the guest’s filesystem in dom0 as root (XSA-443); prefer a direct
                kernel for guests you do not control.
              </span>
            </span>
          </label>
        </fieldset>
      ) : (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          A PVH guest boots a kernel from dom0 directly (or give <code>firmware</code> later in the
          config).
        </p>
      )}
      {showKernel ? (
        <KernelFields
          idPrefix={id}
          fields={{
            kernel: register('kernel'),
            ramdisk: register('ramdisk'),
            extra: register('extra'),
          }}
          errors={errors}
        />
      ) : null}
    </div>
  );
}
