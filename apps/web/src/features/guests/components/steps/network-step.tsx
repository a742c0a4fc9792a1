import { useWatch } from 'react-hook-form';
import { Button } from '@/components/button';
import { Field, inputBaseClass } from '@/components/form-field';
import { generateMac } from '../../lib/guest-facts';
import type { WizardData } from '../wizard-data';
import { useStepForm } from './use-step-form';

/**
 * Step 5: one network interface on a dom0 bridge (the host's bridges, from the guest defaults
 * endpoint) with a generated MAC in Xen's `00:16:3e` range (regenerate on demand; a Windows guest
 * keeps it fixed so its licence and adapter settings survive), or no network.
 */
export function NetworkStep({ data }: { data: WizardData }) {
  const { id, register, control, setValue, errors } = useStepForm();
  const [network, mac, type, profile] = useWatch({
    control,
    name: ['network', 'mac', 'type', 'profile'],
  });
  const windows = type === 'hvm' && profile === 'windows';
  return (
    <div className="flex flex-col gap-4">
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
          Network
        </legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            checked={network}
            onChange={() => setValue('network', true, { shouldDirty: true })}
            name={`${id}-network`}
          />
          One interface on a bridge
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            checked={!network}
            onChange={() => setValue('network', false, { shouldDirty: true })}
            name={`${id}-network`}
          />
          No network
        </label>
      </fieldset>
      {network ? (
        <div className="grid gap-4 sm:grid-cols-[minmax(0,12rem)_minmax(0,1fr)]">
          <Field
            label="Bridge"
            htmlFor={`${id}-bridge`}
            error={errors.bridge}
            hint={
              data.bridgesError
                ? `Could not list the bridges: ${data.bridgesError}`
                : data.bridges?.length === 0
                  ? 'dom0 has no bridge: create one (e.g. xenbr0) in its network configuration'
                  : 'dom0 bridge the guest’s vif joins'
            }
          >
            <select
              id={`${id}-bridge`}
              className={`${inputBaseClass} w-full font-mono`}
              aria-invalid={errors.bridge ? true : undefined}
              {...register('bridge')}
            >
              <option value="">{data.bridges ? 'Choose…' : 'Loading…'}</option>
              {data.bridges?.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="MAC address"
            htmlFor={`${id}-mac`}
            error={errors.mac}
            hint={
              windows
                ? 'Kept fixed: Windows ties its network settings to the adapter’s MAC'
                : 'Fixed in the config, so the guest keeps it across boots (xl would pick a new one each time)'
            }
          >
            <div className="flex gap-2">
              <input
                id={`${id}-mac`}
                readOnly
                className={`${inputBaseClass} w-44 shrink-0 font-mono`}
                data-testid="mac-address"
                value={mac}
              />
              <Button
                size="md"
                onClick={() => setValue('mac', generateMac(), { shouldDirty: true })}
              >
                Regenerate
              </Button>
            </div>
          </Field>
        </div>
      ) : null}
    </div>
  );
}
