/**
 * The facts the wizard shows about new guests, taken from `@xendeck/xl-config`'s guest module
 * (profiles and their minimums, MAC generation) and the api's shutdown actions; only the wording
 * for people is added here.
 */
import { shutdownActionSchema } from '@xendeck/api';
import {
  GUEST_PROFILES,
  type GuestProfile,
  guestMac,
  type ShutdownAction,
} from '@xendeck/xl-config';

/** The `on_*` actions a select offers, in libxl's order. */
export const SHUTDOWN_ACTION_CHOICES: readonly ShutdownAction[] = shutdownActionSchema.options;

/**
 * What xl does when a config has no `on_poweroff` / `on_reboot` / `on_crash` (xl.cfg(5), Xen 4.17:
 * destroy, restart, destroy): the wizard's defaults, marked "(xl default)" in its selects.
 */
export const XL_SHUTDOWN_DEFAULTS = {
  onPoweroff: 'destroy',
  onReboot: 'restart',
  onCrash: 'destroy',
} as const satisfies Record<string, ShutdownAction>;

/** What a profile writes, one line each, for people: the xl setting and what it is for. */
const SETTING_WORDS: { match: RegExp; what: string }[] = [
  { match: /^viridian/, what: 'Hyper-V enlightenments (Windows runs faster and keeps time)' },
  { match: /^vga/, what: 'standard VGA, which Windows drives at useful resolutions' },
  { match: /^videoram/, what: 'video RAM for the standard VGA, MiB' },
  { match: /^usb =/, what: 'an emulated USB controller' },
  { match: /^usbdevice/, what: 'a USB tablet: the pointer follows the VNC cursor exactly' },
  { match: /^hdtype/, what: 'AHCI (SATA) disks, which Windows has its own driver for' },
  { match: /^localtime/, what: 'the clock in local time, as Windows expects' },
  { match: /^vif/, what: 'an e1000 network card Windows has a driver for, with a fixed MAC' },
];

/** Each xl setting of `profile` (GUEST_PROFILES) with a sentence on what it does. */
export const PROFILE_SETTINGS: Readonly<
  Record<GuestProfile, readonly { setting: string; what: string }[]>
> = Object.fromEntries(
  (Object.keys(GUEST_PROFILES) as GuestProfile[]).map((p) => [
    p,
    GUEST_PROFILES[p].settings.map((setting) => ({
      setting,
      what: SETTING_WORDS.find((w) => w.match.test(setting))?.what ?? '',
    })),
  ]),
) as Record<GuestProfile, { setting: string; what: string }[]>;

/** A new MAC address in Xen's `00:16:3e` range (xl-config's `guestMac` over 3 random bytes). */
export function generateMac(): string {
  return guestMac(crypto.getRandomValues(new Uint8Array(3)));
}
