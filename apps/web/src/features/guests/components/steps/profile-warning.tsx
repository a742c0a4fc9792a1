import { GUEST_PROFILES, type GuestProfile } from '@xendeck/xl-config';
import { useFormContext, useWatch } from 'react-hook-form';
import { formatMiB } from '@/lib/format';
import type { WizardValues } from '../../lib/wizard-values';

/**
 * Warns (never refuses) when memory or vCPUs are below the OS profile's suggested minimums
 * (xl-config's GUEST_PROFILES: Windows 2 GiB and 2 vCPUs).
 */
export function ProfileMinimumsWarning({ profile }: { profile: GuestProfile }) {
  const { control } = useFormContext<WizardValues>();
  const [memoryMiB, vcpus] = useWatch({ control, name: ['memoryMiB', 'vcpus'] });
  const info = GUEST_PROFILES[profile];
  const lines: string[] = [];
  if (Number.isFinite(memoryMiB) && memoryMiB < info.minMemoryMiB) {
    lines.push(
      `${info.label} wants at least ${formatMiB(info.minMemoryMiB)} of memory; ${memoryMiB} MiB is set.`,
    );
  }
  if (Number.isFinite(vcpus) && vcpus < info.minVcpus) {
    lines.push(`${info.label} wants at least ${info.minVcpus} vCPUs; ${vcpus} is set.`);
  }
  if (lines.length === 0) return null;
  return (
    <div
      role="status"
      data-testid="profile-warning"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100"
    >
      {lines.map((l) => (
        <p key={l}>{l}</p>
      ))}
      <p className="text-xs opacity-80">
        Suggested, not required: the installer may refuse or crawl below it.
      </p>
    </div>
  );
}
