import type { DiskUser } from '@xendeck/api';
import { useFieldArray, useWatch } from 'react-hook-form';
import { Button } from '@/components/button';
import { Field, inputClass } from '@/components/form-field';
import { userLabel } from '@/features/storage';
import { formatBytes } from '@/lib/format';
import { newVolumeNameFor } from '../../lib/wizard-request';
import { newDiskRow } from '../../lib/wizard-values';
import type { WizardData } from '../wizard-data';
import { useStepForm } from './use-step-form';

/** Who uses a volume or file, as the Storage page names them. */
function usersText(users: readonly DiskUser[]): string {
  return users.map(userLabel).join(', ');
}

const SOURCES = [
  { value: 'new-lv', label: 'New logical volume' },
  { value: 'existing-lv', label: 'Existing logical volume' },
  { value: 'image', label: 'Image file' },
] as const;

/**
 * Step 4: the guest's disks, in order (the first is the boot disk). Each: a new logical volume
 * (volume group with its free space, size in GiB, the name it will get), an existing logical
 * volume (only unused ones can be picked; used ones show who uses them), or an image file from the
 * host's image directory.
 */
export function DisksStep({ data }: { data: WizardData }) {
  const { id, register, control, errors } = useStepForm();
  const disks = useFieldArray({ control, name: 'disks' });
  const [values, name] = useWatch({ control, name: ['disks', 'name'] });
  const firstVg = data.volumeGroups?.[0]?.name ?? '';
  const rootError = errors.disks?.root?.message ?? errors.disks?.message;

  return (
    <div className="flex flex-col gap-3">
      {data.volumeGroupsError ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          Could not list the volume groups: {data.volumeGroupsError}
        </p>
      ) : null}
      {disks.fields.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="no-disks">
          No disks: the guest boots from its CD-ROM, kernel or network only.
        </p>
      ) : null}
      <ol className="flex flex-col gap-3">
        {disks.fields.map((field, i) => {
          const disk = values?.[i];
          const source = disk?.source ?? 'new-lv';
          const e = errors.disks?.[i];
          const vg = data.volumeGroups?.find((g) => g.name === disk?.volumeGroup);
          const volumes = disk?.volumeGroup ? data.volumes[disk.volumeGroup] : undefined;
          return (
            <li
              key={field.id}
              data-testid={`disk-row-${i}`}
              className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
            >
              <div className="flex items-center gap-3">
                <span className="text-sm font-semibold">
                  Disk {i + 1}
                  {i === 0 ? (
                    <span className="ml-1 font-normal text-zinc-500">(boot disk)</span>
                  ) : null}
                </span>
                <label className="sr-only" htmlFor={`${id}-source-${i}`}>
                  Disk {i + 1} source
                </label>
                <select
                  id={`${id}-source-${i}`}
                  className="h-7 rounded-md border border-zinc-300 bg-white px-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950"
                  {...register(`disks.${i}.source` as const)}
                >
                  {SOURCES.map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
                <Button
                  size="sm"
                  variant="ghost"
                  className="ml-auto"
                  aria-label={`Remove disk ${i + 1}`}
                  onClick={() => disks.remove(i)}
                >
                  Remove
                </Button>
              </div>

              {source === 'new-lv' || source === 'existing-lv' ? (
                <div className="grid gap-3 sm:grid-cols-2">
                  <Field
                    label={`Disk ${i + 1} volume group`}
                    htmlFor={`${id}-vg-${i}`}
                    error={e?.volumeGroup}
                    hint={
                      vg
                        ? `${formatBytes(vg.freeBytes)} free of ${formatBytes(vg.sizeBytes)}`
                        : undefined
                    }
                  >
                    <select
                      id={`${id}-vg-${i}`}
                      className={inputClass}
                      aria-invalid={e?.volumeGroup ? true : undefined}
                      {...register(`disks.${i}.volumeGroup` as const)}
                    >
                      <option value="">{data.volumeGroups ? 'Choose…' : 'Loading…'}</option>
                      {data.volumeGroups?.map((g) => (
                        <option key={g.name} value={g.name}>
                          {g.name} — {formatBytes(g.freeBytes)} free
                        </option>
                      ))}
                    </select>
                  </Field>
                  {source === 'new-lv' ? (
                    <Field
                      label={`Disk ${i + 1} size (GiB)`}
                      htmlFor={`${id}-size-${i}`}
                      error={e?.sizeGiB}
                      hint={
                        disk?.volumeGroup ? (
                          <>
                            New volume{' '}
                            <span className="font-mono" data-testid={`disk-new-lv-name-${i}`}>
                              /dev/{disk.volumeGroup}/{newVolumeNameFor(name, values ?? [], i)}
                            </span>
                          </>
                        ) : undefined
                      }
                    >
                      <input
                        id={`${id}-size-${i}`}
                        type="number"
                        min={0.01}
                        step="any"
                        className={`${inputClass} tabular-nums`}
                        aria-invalid={e?.sizeGiB ? true : undefined}
                        {...register(`disks.${i}.sizeGiB` as const, { valueAsNumber: true })}
                      />
                    </Field>
                  ) : (
                    <Field
                      label={`Disk ${i + 1} logical volume`}
                      htmlFor={`${id}-lv-${i}`}
                      error={e?.volume}
                      hint={
                        volumes?.every((v) => v.usedBy.length > 0)
                          ? 'Every volume in this group is in use'
                          : 'Volumes in use are listed but cannot be picked'
                      }
                    >
                      <select
                        id={`${id}-lv-${i}`}
                        className={inputClass}
                        aria-invalid={e?.volume ? true : undefined}
                        {...register(`disks.${i}.volume` as const)}
                      >
                        <option value="">{volumes ? 'Choose…' : 'Loading…'}</option>
                        {volumes?.map((v) => (
                          <option key={v.name} value={v.name} disabled={v.usedBy.length > 0}>
                            {v.name} — {formatBytes(v.sizeBytes)}
                            {v.usedBy.length > 0 ? ` — used by ${usersText(v.usedBy)}` : ''}
                          </option>
                        ))}
                      </select>
                    </Field>
                  )}
                </div>
              ) : (
                <Field
                  label={`Disk ${i + 1} image file`}
                  htmlFor={`${id}-image-${i}`}
                  error={e?.image}
                  hint={
                    data.images ? (
                      <>
                        In <span className="font-mono">{data.images.directory}</span>
                      </>
                    ) : data.imagesError ? (
                      `Could not list the image files: ${data.imagesError}`
                    ) : undefined
                  }
                >
                  <select
                    id={`${id}-image-${i}`}
                    className={inputClass}
                    aria-invalid={e?.image ? true : undefined}
                    {...register(`disks.${i}.image` as const)}
                  >
                    <option value="">{data.images ? 'Choose…' : 'Loading…'}</option>
                    {data.images?.images.map((f) => (
                      <option key={f.name} value={f.name} disabled={f.usedBy.length > 0}>
                        {f.name} — {formatBytes(f.sizeBytes)}
                        {f.usedBy.length > 0 ? ` — used by ${usersText(f.usedBy)}` : ''}
                      </option>
                    ))}
                  </select>
                </Field>
              )}
            </li>
          );
        })}
      </ol>
      {rootError ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {rootError}
        </p>
      ) : null}
      <div>
        <Button size="sm" onClick={() => disks.append(newDiskRow(firstVg))}>
          Add disk
        </Button>
      </div>
    </div>
  );
}
