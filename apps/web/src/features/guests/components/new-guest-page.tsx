/**
 * `/guests/new`: the create-guest wizard. Seven steps (name & type, boot, resources, disks,
 * network, console & actions, review) with a side summary; each step is checked when leaving it,
 * with the message at the field. Create sends `POST /api/v1/guests`, then follows the task live;
 * on success the guest's console opens, on failure the task's error and undo results show and
 * "Back to the form" returns with every answer kept. Loaded lazily (see lazy-new-guest-page.tsx).
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { Link } from 'react-router';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { useSession } from '@/features/auth';
import { configsListQueryKey } from '@/features/configs';
import { hostQueryKey } from '@/features/host';
import { isosQueryKey } from '@/features/isos';
import { storageQueryKey } from '@/features/storage';
import { isApiError } from '@/lib/api-client';
import { useCreateGuest } from '../api/create-guest';
import { generateMac, XL_SHUTDOWN_DEFAULTS } from '../lib/guest-facts';
import { previewGuest } from '../lib/wizard-preview';
import { formFieldOfIssue, toGuestRequest, wizardSchema } from '../lib/wizard-request';
import { WIZARD_STEPS } from '../lib/wizard-steps';
import { newDiskRow, type WizardValues } from '../lib/wizard-values';
import { CreationProgress, consolePathFor } from './creation-progress';
import { BootStep } from './steps/boot-step';
import { ConsoleStep } from './steps/console-step';
import { DisksStep } from './steps/disks-step';
import { NameTypeStep } from './steps/name-type-step';
import { NetworkStep } from './steps/network-step';
import { ResourcesStep } from './steps/resources-step';
import { ReviewStep } from './steps/review-step';
import { useWizardData } from './use-wizard-data';
import { WizardSummary } from './wizard-summary';

/** The answers a new wizard starts with (a Linux HVM guest, 1 GiB, one new 10 GiB volume). */
export function wizardDefaults(): WizardValues {
  return {
    name: '',
    type: 'hvm',
    profile: 'linux',
    pvBoot: 'kernel',
    kernel: '',
    ramdisk: '',
    extra: '',
    cdrom: '',
    memoryMiB: 1024,
    maxmemMiB: 1024,
    vcpus: 1,
    disks: [newDiskRow()],
    network: true,
    bridge: '',
    mac: generateMac(),
    vncPassword: '',
    onPoweroff: XL_SHUTDOWN_DEFAULTS.onPoweroff,
    onReboot: XL_SHUTDOWN_DEFAULTS.onReboot,
    onCrash: XL_SHUTDOWN_DEFAULTS.onCrash,
    start: true,
  };
}

/** The step that holds `field`. */
function stepOfField(field: string): number {
  const top = field.split('.')[0] ?? field;
  const i = WIZARD_STEPS.findIndex((s) => s.fields?.some((f) => f === top || f === field));
  return i < 0 ? WIZARD_STEPS.length - 1 : i;
}

export default function NewGuestPage() {
  const [defaults] = useState(wizardDefaults);
  const [step, setStep] = useState(0);
  const [visited, setVisited] = useState(0);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [serverError, setServerError] = useState<{ message: string; code: string } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const session = useSession();
  const create = useCreateGuest();
  const queryClient = useQueryClient();
  /** After a refusal or a failed task the host's lists may have moved on: read them again. */
  const refreshHostLists = () => {
    for (const queryKey of [storageQueryKey, configsListQueryKey, isosQueryKey, hostQueryKey]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  };

  // The volumes listed are those of the volume groups the disks name (set from the watched values).
  const [vgNames, setVgNames] = useState<string[]>([]);
  const data = useWizardData(vgNames);
  const schema = useMemo(() => wizardSchema(data), [data]);
  const form = useForm<WizardValues>({
    resolver: zodResolver(schema),
    defaultValues: defaults,
    mode: 'onTouched',
  });
  const values = useWatch({ control: form.control }) as WizardValues;
  const disksKey = (values.disks ?? []).map((d) => d.volumeGroup).join('\n');
  useEffect(() => {
    setVgNames([...new Set(disksKey.split('\n').filter((n) => n !== ''))]);
  }, [disksKey]);

  // Fill in what the host decides once it is known: the first volume group, the first bridge.
  const firstVg = data.volumeGroups?.[0]?.name;
  const firstBridge = data.bridges?.[0];
  useEffect(() => {
    if (!firstVg) return;
    form.getValues('disks').forEach((d, i) => {
      if (d.volumeGroup === '' && d.source !== 'image')
        form.setValue(`disks.${i}.volumeGroup`, firstVg);
    });
  }, [firstVg, form]);
  useEffect(() => {
    if (firstBridge && form.getValues('bridge') === '') form.setValue('bridge', firstBridge);
  }, [firstBridge, form]);

  const request = useMemo(() => toGuestRequest({ ...defaults, ...values }), [defaults, values]);
  const preview = useMemo(
    () =>
      previewGuest(request, data.paths, {
        user: session.data?.username ?? 'admin',
        createdAt: new Date(),
      }),
    [request, data.paths, session.data?.username],
  );

  const current = WIZARD_STEPS[step] ?? WIZARD_STEPS[0];
  const isReview = current?.id === 'review';

  const goTo = (i: number) => {
    setStep(i);
    setVisited((v) => Math.max(v, i));
    requestAnimationFrame(() => headingRef.current?.focus());
  };

  /** Validates the steps before `target` (each one's fields); stops at the first with an error. */
  const advanceTo = async (target: number) => {
    for (let i = step; i < target; i++) {
      const fields = WIZARD_STEPS[i]?.fields;
      const ok = fields ? await form.trigger(fields) : await form.trigger();
      if (!ok) {
        goTo(i);
        return false;
      }
    }
    goTo(target);
    return true;
  };

  const submit = form.handleSubmit(
    (v) => {
      setServerError(null);
      create.mutate(toGuestRequest(v), {
        onSuccess: ({ task }) => setTaskId(task.id),
        onError: (error) => {
          refreshHostLists();
          const code = isApiError(error) ? error.code : 'ERROR';
          if (code === 'CONFIG_EXISTS' || code === 'DOMAIN_EXISTS') {
            form.setError('name', { message: error.message });
            goTo(0);
          }
          const issues = isApiError(error) ? error.details?.issues : undefined;
          let first: number | undefined;
          if (Array.isArray(issues)) {
            for (const issue of issues as { path?: unknown; message?: unknown }[]) {
              const field =
                typeof issue.path === 'string' ? formFieldOfIssue(issue.path) : undefined;
              if (field) {
                form.setError(field, { message: String(issue.message) });
                first = Math.min(first ?? Number.POSITIVE_INFINITY, stepOfField(field));
              }
            }
          }
          if (first !== undefined) goTo(first);
          setServerError({ message: error.message, code });
        },
      });
    },
    (errors) => {
      const firstField = Object.keys(errors)[0];
      if (firstField) goTo(stepOfField(firstField));
    },
  );

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    if (isReview) void submit();
    else void advanceTo(step + 1);
  };

  if (taskId) {
    return (
      <CreationProgress
        taskId={taskId}
        successPath={
          values.start
            ? consolePathFor(values.name, values.type)
            : `/configs/${encodeURIComponent(values.name)}`
        }
        onBack={() => {
          refreshHostLists();
          setTaskId(null);
          goTo(WIZARD_STEPS.length - 1);
        }}
      />
    );
  }

  return (
    <FormProvider {...form}>
      <div className="grid gap-5 lg:grid-cols-[11rem_minmax(0,1fr)_17rem]">
        <nav aria-label="Wizard steps">
          <ol className="flex flex-col gap-0.5">
            {WIZARD_STEPS.map((s, i) => {
              const active = i === step;
              return (
                <li key={s.id}>
                  <button
                    type="button"
                    data-testid={`wizard-step-${s.id}`}
                    aria-current={active ? 'step' : undefined}
                    disabled={i > visited + 1}
                    onClick={() => (i <= step ? goTo(i) : void advanceTo(i))}
                    className={`flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-45 ${
                      active
                        ? 'bg-white font-medium text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-50 dark:ring-zinc-700'
                        : 'text-zinc-600 hover:bg-zinc-200/70 dark:text-zinc-400 dark:hover:bg-zinc-800'
                    }`}
                  >
                    <span
                      className={`inline-flex size-5 shrink-0 items-center justify-center rounded-full text-xs tabular-nums ${
                        i < step || (i <= visited && !active)
                          ? 'bg-sky-700 text-white dark:bg-sky-600'
                          : active
                            ? 'ring-2 ring-sky-600'
                            : 'ring-1 ring-zinc-300 dark:ring-zinc-600'
                      }`}
                    >
                      {i + 1}
                    </span>
                    {s.title}
                  </button>
                </li>
              );
            })}
          </ol>
        </nav>

        <form
          onSubmit={onSubmit}
          noValidate
          aria-labelledby="wizard-step-heading"
          className="flex min-w-0 flex-col gap-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
        >
          <h2
            id="wizard-step-heading"
            ref={headingRef}
            tabIndex={-1}
            className="text-base font-semibold focus:outline-none"
          >
            <span className="text-zinc-500">
              Step {step + 1} of {WIZARD_STEPS.length}:
            </span>{' '}
            {current?.title}
          </h2>
          {serverError ? (
            <Alert
              kind="error"
              title="The server did not start the creation"
              message={serverError.message}
              code={serverError.code}
              onDismiss={() => setServerError(null)}
            />
          ) : null}

          <div data-testid={`wizard-panel-${current?.id}`}>
            {current?.id === 'name' ? <NameTypeStep /> : null}
            {current?.id === 'boot' ? <BootStep data={data} /> : null}
            {current?.id === 'resources' ? <ResourcesStep data={data} /> : null}
            {current?.id === 'disks' ? <DisksStep data={data} /> : null}
            {current?.id === 'network' ? <NetworkStep data={data} /> : null}
            {current?.id === 'console' ? <ConsoleStep /> : null}
            {current?.id === 'review' ? <ReviewStep preview={preview} /> : null}
          </div>

          <div className="mt-2 flex items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
            <Button disabled={step === 0} onClick={() => goTo(step - 1)}>
              Back
            </Button>
            {isReview ? (
              <Button
                type="submit"
                variant="primary"
                disabled={create.isPending || 'error' in preview}
                aria-busy={create.isPending}
              >
                {create.isPending
                  ? 'Creating…'
                  : values.start
                    ? 'Create and start'
                    : 'Create (write the config only)'}
              </Button>
            ) : (
              <Button type="submit" variant="primary">
                Next
              </Button>
            )}
            <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">
              Enter goes to the next step
            </span>
            <Link
              to="/domains"
              className="ml-auto text-sm text-zinc-600 hover:underline dark:text-zinc-400"
            >
              Cancel
            </Link>
          </div>
        </form>

        <WizardSummary values={{ ...defaults, ...values }} />
      </div>
    </FormProvider>
  );
}
