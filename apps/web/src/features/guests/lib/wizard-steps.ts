/**
 * The create-guest wizard's steps: their order, titles and the form fields each one validates
 * before the next opens (react-hook-form `trigger(fields)`). The review step validates everything.
 */
import type { FieldPath } from 'react-hook-form';
import type { WizardValues } from './wizard-values';

export type WizardStepId =
  | 'name'
  | 'boot'
  | 'resources'
  | 'disks'
  | 'network'
  | 'console'
  | 'review';

export interface WizardStep {
  id: WizardStepId;
  title: string;
  /** Fields checked when leaving the step; `undefined` = the whole form (review). */
  fields?: FieldPath<WizardValues>[];
}

/** In order. */
export const WIZARD_STEPS: readonly WizardStep[] = [
  { id: 'name', title: 'Name & type', fields: ['name', 'type', 'profile'] },
  { id: 'boot', title: 'Boot', fields: ['pvBoot', 'kernel', 'ramdisk', 'extra', 'cdrom'] },
  { id: 'resources', title: 'Resources', fields: ['memoryMiB', 'maxmemMiB', 'vcpus'] },
  { id: 'disks', title: 'Disks', fields: ['disks'] },
  { id: 'network', title: 'Network', fields: ['network', 'bridge', 'mac'] },
  {
    id: 'console',
    title: 'Console & actions',
    fields: ['vncPassword', 'onPoweroff', 'onReboot', 'onCrash', 'start'],
  },
  { id: 'review', title: 'Review' },
];
