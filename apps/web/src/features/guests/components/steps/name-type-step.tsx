import { useWatch } from 'react-hook-form';
import { Field, inputBaseClass } from '@/components/form-field';
import { PROFILE_SETTINGS } from '../../lib/guest-facts';
import { ChoiceCards } from '../choice-cards';
import { ProfileMinimumsWarning } from './profile-warning';
import { useStepForm } from './use-step-form';

const TYPES = [
  {
    value: 'pv',
    title: 'PV',
    description: 'Paravirtualized: no emulated hardware; a Xen-aware kernel from dom0 or pygrub.',
  },
  {
    value: 'pvh',
    title: 'PVH',
    description: 'PV inside a hardware container: modern Linux/BSD kernels, fastest, no QEMU.',
  },
  {
    value: 'hvm',
    title: 'HVM',
    description: 'Full virtualization with QEMU: any OS, installs from an ISO on a VNC screen.',
  },
] as const;

const PROFILES = [
  {
    value: 'windows',
    title: 'Windows',
    description: 'Hyper-V enlightenments, standard VGA, USB tablet, AHCI, local-time clock.',
  },
  {
    value: 'linux',
    title: 'Linux',
    description: 'Xen’s defaults; the serial console for the installer and kernel.',
  },
  { value: 'other', title: 'Other', description: 'Xen’s defaults, nothing added.' },
] as const;

/**
 * Step 1: the domain name (domainNameSchema's rules; refused when a domain or a config file has
 * it), the guest type, and for HVM the OS profile. The Windows profile lists what it sets and
 * warns below its suggested memory and vCPUs.
 */
export function NameTypeStep() {
  const { id, register, control, errors } = useStepForm();
  const [type, profile] = useWatch({ control, name: ['type', 'profile'] });
  const settings = PROFILE_SETTINGS[profile];
  return (
    <div className="flex flex-col gap-5">
      <Field
        label="Name"
        htmlFor={`${id}-name`}
        error={errors.name}
        hint="The domain name and its file, /etc/xen/<name>.cfg: letters, digits, “_”, “.”, “-”"
      >
        <input
          id={`${id}-name`}
          className={`${inputBaseClass} w-72 font-mono`}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${id}-name-error` : `${id}-name-hint`}
          {...register('name')}
        />
      </Field>
      <ChoiceCards
        legend="Type"
        options={TYPES}
        register={register('type')}
        value={type}
        testIdPrefix="guest-type"
      />
      {type === 'hvm' ? (
        <>
          <ChoiceCards
            legend="Operating system"
            options={PROFILES}
            register={register('profile')}
            value={profile}
            testIdPrefix="guest-profile"
          />
          {settings.length > 0 ? (
            <div
              data-testid="profile-settings"
              className="rounded-md border border-zinc-200 bg-zinc-50 p-3 text-sm dark:border-zinc-800 dark:bg-zinc-950/50"
            >
              <p className="mb-1.5 font-medium">
                The {profile === 'windows' ? 'Windows' : 'Linux'} profile sets:
              </p>
              <ul className="flex flex-col gap-1">
                {settings.map((s) => (
                  <li key={s.setting} className="flex gap-2">
                    <code className="shrink-0 font-mono text-xs text-zinc-600 dark:text-zinc-400">
                      {s.setting}
                    </code>
                    <span>{s.what}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <ProfileMinimumsWarning profile={profile} />
        </>
      ) : null}
    </div>
  );
}
