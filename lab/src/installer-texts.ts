/**
 * What the lab installer and the system it installs show (their one source): the build writes
 * them into both initramfs images as `/etc/xendeck-texts` (shell variables read by
 * `recipe/installer/installer-init` and `system-init`), and the end-to-end tests import them to
 * wait for each screen. Every line is shown on the guest's screen (tty1) and copied to its serial
 * port (ttyS0) and its Xen PV console (hvc0, which xenconsoled logs to
 * `/var/log/xen/console/guest-<name>.log` in dom0). ASCII only: the VGA text console's font has
 * no dashes or quotes beyond ASCII.
 */

/** The installer's texts and the installed system's greeting. */
export const INSTALLER_TEXTS = {
  /** First line on the installer's screen. */
  title: 'Xendeck lab installer',
  /** The question; a printf format: `%s` = disk name (`xvda`), `%s` = its size in MiB. */
  questionFormat: 'Xendeck lab installer - install to /dev/%s (%s MiB)? Type yes and press Enter',
  /** Shown after any answer other than `yes` (then the question again). */
  notYes: 'Not installing: type yes to install to this disk.',
  /** When no CD with the system image has been found after 30 s (it keeps looking). */
  noCd: 'The installer CD (system.img.gz) was not found: still looking.',
  /** While no disk has appeared (repeated every 30 s). */
  noDisk: 'No disk found yet: waiting for one.',
  /** After `yes`, while the image is written. */
  writing: 'Writing the system to the disk...',
  /** Written and synced; `poweroff -f` follows 2 s later. */
  done: 'Installed. Powering off.',
  /** dd failed (its error follows on the screen, then a shell). */
  failed: 'Writing the disk failed:',
  /** The installed system, booted from the disk (followed by ` (<kernel release>)`). */
  greeting: 'Xendeck lab: installed system booted from disk',
} as const;

/** The question as shown for `disk` (e.g. `xvda`) of `sizeMiB` MiB. */
export function installerQuestion(disk: string, sizeMiB: number): string {
  const [a, b, c] = INSTALLER_TEXTS.questionFormat.split('%s');
  return `${a}${disk}${b}${sizeMiB}${c}`;
}

/** A pattern matching the question for any disk and size (groups: disk name, size in MiB). */
export const INSTALLER_QUESTION_RE = new RegExp(
  INSTALLER_TEXTS.questionFormat
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('%s', '([a-z0-9]+)')
    .replace('%s', '(\\d+)'),
);

/** File name of the installer ISO (also its name in Xendeck's ISO library after an upload). */
export const INSTALLER_ISO_NAME = 'xendeck-lab-installer.iso';

/**
 * `/etc/xendeck-texts` for the initramfs images: `XD_<NAME>='<text>'` lines (camelCase keys in
 * SNAKE_CASE). @throws Error when a text has a single quote or is not printable ASCII.
 */
export function textsShellFile(texts: Record<string, string> = INSTALLER_TEXTS): string {
  const lines = Object.entries(texts).map(([k, v]) => {
    if (!/^[\x20-\x7e]*$/.test(v) || v.includes("'")) {
      throw new Error(`installer text ${k} must be printable ASCII without single quotes: ${v}`);
    }
    return `XD_${k.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase()}='${v}'`;
  });
  return `${lines.join('\n')}\n`;
}
