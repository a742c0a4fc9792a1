import { zodResolver } from '@hookform/resolvers/zod';
import { lvNameSchema, vgNameSchema } from '@xendeck/api';
import { useId, useMemo, useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Field, inputBaseClass as inputBase, inputClass } from '@/components/form-field';
import { KernelFields } from '@/components/kernel-fields';
import { useNotices } from '@/components/notices';
import { isApiError } from '@/lib/api-client';
import { useCreateConfig } from '../api/create-config';
import {
  lvmDiskSpec,
  type NewConfigValues,
  newConfigDefaults,
  newConfigFormSchema,
  nextXvd,
  previewNewConfig,
  toNewConfigModel,
} from '../lib/new-config';

/**
 * "New guest config": name, type, memory, vCPUs, boot (PV kernel or pygrub, PVH kernel, HVM ISO
 * and VNC), disks as xl spec strings (with an LVM helper), bridge. Every spec is read in the
 * browser by xl-config's parsers and errors are shown on the field; the file the server will write
 * (`formatXlConfig`) is previewed live. Submits `POST /api/v1/configs`, then opens the new config.
 */
export function NewConfigForm() {
  const id = useId();
  const navigate = useNavigate();
  const notices = useNotices();
  const create = useCreateConfig();
  const [serverError, setServerError] = useState<{ message: string; code: string } | null>(null);
  const form = useForm<NewConfigValues>({
    resolver: zodResolver(newConfigFormSchema),
    defaultValues: newConfigDefaults,
    mode: 'onChange',
  });
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors },
  } = form;
  const disks = useFieldArray({ control, name: 'disks' });
  const values = useWatch({ control }) as NewConfigValues;
  const type = values.type;

  const preview = useMemo(() => {
    try {
      const model = toNewConfigModel({
        ...newConfigDefaults,
        ...values,
        memoryMiB: Number.isFinite(values.memoryMiB) ? values.memoryMiB : 0,
        vcpus: Number.isFinite(values.vcpus) ? values.vcpus : 0,
        disks: values.disks ?? [],
      });
      return { text: previewNewConfig(values.name ?? '', model) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [values]);

  const [vg, setVg] = useState('vg0');
  const [lv, setLv] = useState('');
  const lvmProblem =
    lv === ''
      ? null
      : ((vgNameSchema.safeParse(vg).error ?? lvNameSchema.safeParse(lv).error)?.issues[0]
          ?.message ?? null);

  const onSubmit = handleSubmit((v) => {
    setServerError(null);
    create.mutate(
      { name: v.name, model: toNewConfigModel(v) },
      {
        onSuccess: (result) => {
          notices.success(
            `Created ${result.path}`,
            `Start it on the Config files page, or with: xl create ${result.path}`,
          );
          navigate(`/configs/${encodeURIComponent(result.name)}`);
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'CONFIG_EXISTS') {
            setError('name', { message: `a config file named ${v.name}.cfg already exists` });
            return;
          }
          const issues = isApiError(error) ? error.details?.issues : undefined;
          if (Array.isArray(issues)) {
            for (const issue of issues as { path?: unknown; message?: unknown }[]) {
              const m =
                typeof issue.path === 'string' ? /^model\.disk\.(\d+)$/.exec(issue.path) : null;
              const i = m ? Number(m[1]) : -1;
              if (m && i < v.disks.length) {
                setError(`disks.${i}.spec`, { message: String(issue.message) });
              } else if (m) {
                setError('isoPath', { message: String(issue.message) });
              } else if (issue.path === 'model.vif.0') {
                setError('bridge', { message: String(issue.message) });
              }
            }
          }
          setServerError({
            message: error.message,
            code: isApiError(error) ? error.code : 'ERROR',
          });
        },
      },
    );
  });

  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,30rem)_minmax(0,1fr)]">
      <form
        onSubmit={onSubmit}
        noValidate
        className="flex flex-col gap-4"
        aria-label="New guest config"
      >
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="wizard-hint">
          Writes a config file from xl specs you type. To create the disks, pick an ISO and start
          the guest in one go, use the{' '}
          <Link to="/guests/new" className="text-sky-700 underline dark:text-sky-400">
            Create guest wizard
          </Link>
          .
        </p>
        {serverError ? (
          <Alert
            kind="error"
            title="The server did not create the file"
            message={serverError.message}
            code={serverError.code}
            onDismiss={() => setServerError(null)}
          />
        ) : null}

        <div className="grid grid-cols-2 gap-3">
          <Field
            label="Name"
            htmlFor={`${id}-name`}
            error={errors.name}
            hint="Domain name and file name (<name>.cfg)"
          >
            <input
              id={`${id}-name`}
              className={`${inputClass} font-mono`}
              autoComplete="off"
              aria-invalid={errors.name ? true : undefined}
              {...register('name')}
            />
          </Field>
          <fieldset className="flex flex-col gap-1">
            <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
              Type
            </legend>
            <div className="flex h-8 items-center gap-3 text-sm">
              {(['pv', 'pvh', 'hvm'] as const).map((t) => (
                <label key={t} className="flex items-center gap-1">
                  <input type="radio" value={t} {...register('type')} />
                  {t.toUpperCase()}
                </label>
              ))}
            </div>
          </fieldset>
          <Field label="Memory (MiB)" htmlFor={`${id}-memory`} error={errors.memoryMiB}>
            <input
              id={`${id}-memory`}
              type="number"
              min={16}
              className={`${inputClass} tabular-nums`}
              aria-invalid={errors.memoryMiB ? true : undefined}
              {...register('memoryMiB', { valueAsNumber: true })}
            />
          </Field>
          <Field label="vCPUs" htmlFor={`${id}-vcpus`} error={errors.vcpus}>
            <input
              id={`${id}-vcpus`}
              type="number"
              min={1}
              className={`${inputClass} tabular-nums`}
              aria-invalid={errors.vcpus ? true : undefined}
              {...register('vcpus', { valueAsNumber: true })}
            />
          </Field>
        </div>

        <fieldset className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
          <legend className="px-1 text-sm font-semibold">Boot</legend>
          {type === 'pv' ? (
            <div className="flex gap-4 text-sm">
              <label className="flex items-center gap-1">
                <input type="radio" value="kernel" {...register('pvBoot')} /> Kernel from dom0
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" value="pygrub" {...register('pvBoot')} /> pygrub (kernel inside
                the guest’s disk)
              </label>
            </div>
          ) : null}
          {type === 'pvh' || (type === 'pv' && values.pvBoot === 'kernel') ? (
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
          {type === 'hvm' ? (
            <>
              <Field
                label="Installer ISO (optional)"
                htmlFor={`${id}-iso`}
                error={errors.isoPath}
                hint={
                  <>
                    Attached as a CD-ROM (<code className="font-mono">hdc</code>, read-only) with{' '}
                    <code className="font-mono">boot = 'd'</code>
                  </>
                }
              >
                <input
                  id={`${id}-iso`}
                  className={`${inputClass} font-mono`}
                  placeholder="/srv/iso/debian-12-netinst.iso"
                  aria-invalid={errors.isoPath ? true : undefined}
                  {...register('isoPath')}
                />
              </Field>
              <div className="flex flex-wrap items-end gap-4">
                <label className="flex h-8 items-center gap-1.5 text-sm">
                  <input type="checkbox" {...register('vnc')} /> VNC console
                </label>
                {values.vnc ? (
                  <Field
                    label="VNC listens on"
                    htmlFor={`${id}-vnclisten`}
                    error={errors.vnclisten}
                  >
                    <input
                      id={`${id}-vnclisten`}
                      className={`${inputBase} w-40 font-mono`}
                      aria-invalid={errors.vnclisten ? true : undefined}
                      {...register('vnclisten')}
                    />
                  </Field>
                ) : null}
                <label className="flex h-8 items-center gap-1.5 text-sm">
                  <input type="checkbox" {...register('serialPty')} /> Serial console (pty)
                </label>
              </div>
            </>
          ) : null}
        </fieldset>

        <fieldset className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
          <legend className="px-1 text-sm font-semibold">Disks</legend>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            One xl disk spec each (xl-disk-configuration(5)), e.g.{' '}
            <code className="font-mono">phy:/dev/vg0/web1,xvda,w</code>. Each is checked with xl’s
            own grammar as you type.
          </p>
          {disks.fields.map((field, i) => (
            <div key={field.id} className="flex items-start gap-2">
              <div className="min-w-0 flex-1">
                <Field
                  label={`Disk ${i + 1}`}
                  htmlFor={`${id}-disk-${i}`}
                  error={errors.disks?.[i]?.spec}
                >
                  <input
                    id={`${id}-disk-${i}`}
                    className={`${inputClass} font-mono text-xs`}
                    aria-invalid={errors.disks?.[i]?.spec ? true : undefined}
                    {...register(`disks.${i}.spec` as const)}
                  />
                </Field>
              </div>
              <Button size="sm" variant="ghost" className="mt-6" onClick={() => disks.remove(i)}>
                Remove
              </Button>
            </div>
          ))}
          <div>
            <Button size="sm" onClick={() => disks.append({ spec: '' })}>
              Add disk spec
            </Button>
          </div>
          <div className="flex flex-wrap items-center gap-1.5 rounded-md bg-zinc-50 p-2 text-sm dark:bg-zinc-950/50">
            <span className="mr-1 text-xs font-medium">LVM volume</span>
            <span className="font-mono text-zinc-500">/dev/</span>
            <input
              aria-label="Volume group"
              className={`${inputBase} w-20 font-mono`}
              value={vg}
              onChange={(e) => setVg(e.target.value.trim())}
            />
            <span className="font-mono text-zinc-500">/</span>
            <input
              aria-label="Logical volume"
              className={`${inputBase} w-36 font-mono`}
              value={lv}
              placeholder="web1-disk"
              onChange={(e) => setLv(e.target.value.trim())}
            />
            <Button
              size="sm"
              disabled={lv === '' || lvmProblem !== null}
              onClick={() => {
                const vdev = nextXvd((values.disks ?? []).map((d) => d.spec));
                disks.append({ spec: lvmDiskSpec(vg, lv, vdev) });
                setLv('');
              }}
            >
              Add LVM disk
            </Button>
          </div>
          {lvmProblem ? (
            <p role="alert" className="text-xs text-red-700 dark:text-red-300">
              Invalid name: {lvmProblem}.
            </p>
          ) : null}
        </fieldset>

        <Field
          label="Bridge"
          htmlFor={`${id}-bridge`}
          error={errors.bridge}
          hint={
            <>
              One vif on this dom0 bridge (<code className="font-mono">bridge=…</code>); empty for
              no network
            </>
          }
        >
          <input
            id={`${id}-bridge`}
            className={`${inputBase} w-40 font-mono`}
            aria-invalid={errors.bridge ? true : undefined}
            {...register('bridge')}
          />
        </Field>

        <div className="flex items-center gap-3">
          <Button
            type="submit"
            variant="primary"
            disabled={create.isPending}
            aria-busy={create.isPending}
          >
            {create.isPending ? 'Creating…' : 'Create config'}
          </Button>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            Never overwrites: an existing file of that name is refused.
          </span>
        </div>
      </form>

      <section aria-labelledby={`${id}-preview`} className="flex min-w-0 flex-col gap-2">
        <h2 id={`${id}-preview`} className="text-sm font-semibold">
          Preview of <span className="font-mono">{values.name || '<name>'}.cfg</span>
        </h2>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          What the server writes (xl-config’s <code className="font-mono">formatXlConfig</code>),
          after a first comment line naming who created it and when.
        </p>
        {'text' in preview ? (
          <pre
            data-testid="new-config-preview"
            className="overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-[13px] leading-relaxed text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
          >
            {preview.text}
          </pre>
        ) : (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            Cannot write this yet: {preview.error}
          </p>
        )}
      </section>
    </div>
  );
}
