import { useWatch } from 'react-hook-form';
import { Field, inputBaseClass } from '@/components/form-field';
import { formatMiB } from '@/lib/format';
import type { WizardData } from '../wizard-data';
import { ProfileMinimumsWarning } from './profile-warning';
import { useStepForm } from './use-step-form';

/**
 * Step 3: memory at boot and maximum (MiB) with the host's free memory (GET /host
 * `freeMemoryMiB`, Xen's free heap), and vCPUs with the host's physical CPUs (`nrCpus`).
 */
export function ResourcesStep({ data }: { data: WizardData }) {
  const { id, register, control, errors } = useStepForm();
  const [memoryMiB, type, profile] = useWatch({
    control,
    name: ['memoryMiB', 'type', 'profile'],
  });
  const host = data.host;
  return (
    <div className="flex flex-col gap-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="Memory (MiB)"
          htmlFor={`${id}-memory`}
          error={errors.memoryMiB}
          hint={
            host ? (
              <span data-testid="host-free-memory">
                Host has {formatMiB(host.freeMemoryMiB)} free ({host.freeMemoryMiB} MiB)
              </span>
            ) : (
              'Memory at boot'
            )
          }
        >
          <input
            id={`${id}-memory`}
            type="number"
            min={16}
            step={1}
            className={`${inputBaseClass} w-full tabular-nums`}
            aria-invalid={errors.memoryMiB ? true : undefined}
            {...register('memoryMiB', { valueAsNumber: true })}
          />
        </Field>
        <Field
          label="Maxmem (MiB)"
          htmlFor={`${id}-maxmem`}
          error={errors.maxmemMiB}
          hint={`maxmem: the balloon may grow up to this; at least ${Number.isFinite(memoryMiB) ? memoryMiB : '…'} MiB`}
        >
          <input
            id={`${id}-maxmem`}
            type="number"
            min={16}
            step={1}
            className={`${inputBaseClass} w-full tabular-nums`}
            aria-invalid={errors.maxmemMiB ? true : undefined}
            {...register('maxmemMiB', { valueAsNumber: true })}
          />
        </Field>
        <Field
          label="vCPUs"
          htmlFor={`${id}-vcpus`}
          error={errors.vcpus}
          hint={
            host ? (
              <span data-testid="host-pcpus">Host has {host.nrCpus} physical CPUs</span>
            ) : undefined
          }
        >
          <input
            id={`${id}-vcpus`}
            type="number"
            min={1}
            max={host?.nrCpus}
            step={1}
            className={`${inputBaseClass} w-full tabular-nums`}
            aria-invalid={errors.vcpus ? true : undefined}
            {...register('vcpus', { valueAsNumber: true })}
          />
        </Field>
      </div>
      {type === 'hvm' ? <ProfileMinimumsWarning profile={profile} /> : null}
    </div>
  );
}
