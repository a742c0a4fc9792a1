import { useId } from 'react';
import { useFormContext } from 'react-hook-form';
import type { WizardValues } from '../../lib/wizard-values';

/**
 * What every step reads from the wizard's form: a unique id prefix for its inputs, `register`,
 * `control` (for useWatch), `setValue` and the current field errors.
 */
export function useStepForm() {
  const id = useId();
  const {
    register,
    control,
    setValue,
    formState: { errors },
  } = useFormContext<WizardValues>();
  return { id, register, control, setValue, errors };
}
