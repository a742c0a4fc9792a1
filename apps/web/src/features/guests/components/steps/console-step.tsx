import { useWatch } from 'react-hook-form';
import { Field, inputBaseClass } from '@/components/form-field';
import { SHUTDOWN_ACTION_CHOICES, XL_SHUTDOWN_DEFAULTS } from '../../lib/guest-facts';
import { useStepForm } from './use-step-form';

const selectClass = `${inputBaseClass} w-full`;

const ACTIONS = [
  { name: 'onPoweroff', key: 'on_poweroff', label: 'When it powers off' },
  { name: 'onReboot', key: 'on_reboot', label: 'When it reboots' },
  { name: 'onCrash', key: 'on_crash', label: 'When it crashes' },
] as const;

/**
 * Step 6: the VNC console (HVM: always on 127.0.0.1, reached through Xendeck's proxy; an optional
 * password), the serial pty (HVM), the three `on_*` actions with xl's defaults marked, and whether
 * to start the guest once created.
 */
export function ConsoleStep() {
  const { id, register, control, errors } = useStepForm();
  const type = useWatch({ control, name: 'type' });
  return (
    <div className="flex flex-col gap-5">
      {type === 'hvm' ? (
        <fieldset className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
          <legend className="px-1 text-sm font-semibold">Screen (VNC)</legend>
          <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="vnc-explanation">
            QEMU’s VNC server listens on <code className="font-mono">127.0.0.1</code> only (
            <code className="font-mono">vnclisten = '127.0.0.1'</code>): nobody reaches it from the
            network. You see the screen in the guest’s Console tab here, through Xendeck’s
            authenticated proxy.
          </p>
          <Field
            label="VNC password (optional)"
            htmlFor={`${id}-vncpasswd`}
            error={errors.vncPassword}
            hint="Needs a device model with DES support; without one the guest does not start. Xendeck’s proxy already requires your login, so most hosts leave this empty."
          >
            <input
              id={`${id}-vncpasswd`}
              type="text"
              autoComplete="off"
              className={`${inputBaseClass} w-60 font-mono`}
              aria-invalid={errors.vncPassword ? true : undefined}
              {...register('vncPassword')}
            />
          </Field>
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            Serial port on a pty (<code className="font-mono">serial = 'pty'</code>): the Serial
            text console, for installers and kernels with{' '}
            <code className="font-mono">console=ttyS0</code>.
          </p>
        </fieldset>
      ) : (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          A {type.toUpperCase()} guest has a text console (xenconsoled’s PV console): it opens in
          the guest’s Console tab.
        </p>
      )}

      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold">Actions</legend>
        {ACTIONS.map((a) => (
          <Field
            key={a.name}
            label={
              <>
                {a.label} (<code className="font-mono">{a.key}</code>)
              </>
            }
            htmlFor={`${id}-${a.name}`}
            error={errors[a.name]}
          >
            <select id={`${id}-${a.name}`} className={selectClass} {...register(a.name)}>
              {SHUTDOWN_ACTION_CHOICES.map((action) => (
                <option key={action} value={action}>
                  {action}
                  {XL_SHUTDOWN_DEFAULTS[a.name] === action ? ' (xl default)' : ''}
                </option>
              ))}
            </select>
          </Field>
        ))}
      </fieldset>

      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" data-testid="start-after-create" {...register('start')} />
        Start after creation (<code className="font-mono">xl create</code> once the file is written)
      </label>
    </div>
  );
}
