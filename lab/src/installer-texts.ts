/**
 * What the lab installer and the system it installs show (their one source): the build writes
 * them as `texts.inc` (nasm `db` strings, {@link textsNasmInclude}) next to
 * `recipe/installer/*.asm`, and the end-to-end tests import them to wait for each line. Every
 * line goes to the guest's screen (BIOS int 10h) and to its COM1 serial port (Xen:
 * `serial = "pty"`; read the pty named at xenstore `/local/domain/<domid>/serial/0/tty`), lines
 * ending in CR LF. ASCII only (the VGA text font, and nasm's quoting).
 */

/** The installer's texts and the installed system's greeting. */
export const INSTALLER_TEXTS = {
  /** First line on the installer's screen. */
  title: 'Xendeck lab installer',
  /**
   * The question; `%s` = the first disk's size in MiB (BIOS int 13h AH=48h; 0 when the BIOS does
   * not say). The BIOS knows no disk names: "the first disk" is BIOS drive 0x80.
   */
  questionFormat: 'Install to the first disk (%s MiB)? Type yes and press Enter',
  /** Shown after any answer other than `yes` (then the question again). */
  notYes: 'Not installing: type yes to install to this disk.',
  /** After `yes`, while the system is written. */
  writing: 'Writing the system to the disk...',
  /** Written; the installer powers off right after. */
  done: 'Installed. Powering off.',
  /** A disk write or check failed (followed by the int 13h status in decimal), then a halt. */
  failed: 'Writing the disk failed: BIOS status',
  /** The installed system, booted from the disk. */
  greeting: 'Xendeck lab: installed system booted from disk',
} as const;

/** The question as shown for a first disk of `sizeMiB` MiB. */
export function installerQuestion(sizeMiB: number): string {
  const [a, b] = INSTALLER_TEXTS.questionFormat.split('%s');
  return `${a}${sizeMiB}${b}`;
}

/** A pattern matching the question for any size (group 1: the size in MiB). */
export const INSTALLER_QUESTION_RE = new RegExp(
  INSTALLER_TEXTS.questionFormat.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%s', '(\\d+)'),
);

/** File name of the installer ISO (also its name in Xendeck's ISO library after an upload). */
export const INSTALLER_ISO_NAME = 'xendeck-lab-installer.iso';

/**
 * `texts.inc` for `recipe/installer/*.asm`: one NUL-terminated `xd_<snake_name>: db '…', 0` per
 * text; a text with `%s` is split there into `xd_<name>_0`, `xd_<name>_1`, … (the asm prints the
 * value between them). @throws Error when a text is not printable ASCII or has a single quote.
 */
export function textsNasmInclude(texts: Record<string, string> = INSTALLER_TEXTS): string {
  const lines = [
    '; Generated from lab/src/installer-texts.ts by lab/src/installer.ts: do not edit.',
  ];
  for (const [k, v] of Object.entries(texts)) {
    if (!/^[\x20-\x7e]*$/.test(v) || v.includes("'")) {
      throw new Error(`installer text ${k} must be printable ASCII without single quotes: ${v}`);
    }
    const name = `xd_${k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`;
    const parts = v.split('%s');
    const db = (s: string) => (s === '' ? 'db 0' : `db '${s}', 0`);
    if (parts.length === 1) lines.push(`${name}: ${db(v)}`);
    else for (const [i, p] of parts.entries()) lines.push(`${name}_${i}: ${db(p)}`);
  }
  return `${lines.join('\n')}\n`;
}
