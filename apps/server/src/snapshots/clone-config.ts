/**
 * The config file of a clone, written from the source's text with lossless `XlDocument` edits:
 * everything the hoster wrote (comments, order, spacing, other settings) stays byte for byte;
 * only these change —
 * - `name` → the new name;
 * - `uuid` → a fresh random one, when the source fixes one (otherwise libxl makes one per start);
 * - each `vif` entry: `mac=` replaced by a new Xen-OUI address (xl-config's `guestMac`, as libxl
 *   makes them), or added in front when the entry had none; a `vifname=` piece is dropped (two
 *   domains cannot share a dom0 interface name);
 * - each cloned disk: the target text in its `disk` item replaced by the new volume's path.
 * The result is parsed again: it must read without errors and name the new guest.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { guestMac, parseXlConfig } from '@xendeck/xl-config';
import { ApiError } from '../errors.js';
import { listItems } from './volumes.js';

/** A disk item to point elsewhere: its index in `disk` and the target text to replace. */
export interface DiskRetarget {
  diskIndex: number;
  /** The target as the item writes it. */
  from: string;
  /** The new dom0 path, `/dev/<vg>/<lv>`. */
  to: string;
}

/** What {@link cloneConfigText} made. */
export interface ClonedConfig {
  text: string;
  /** Per vif entry, in order: the old MAC (null when it had none) and the new one. */
  macs: { from: string | null; to: string }[];
  /** Things the hoster should know (shared `ip=` addresses, a dropped `vifname=`). */
  warnings: string[];
}

/** Random sources, replaceable in tests. */
export interface CloneRandom {
  /** Three random bytes for a MAC. */
  macBytes: () => ArrayLike<number>;
  uuid: () => string;
}

const defaultRandom: CloneRandom = { macBytes: () => randomBytes(3), uuid: () => randomUUID() };

/** Rewrites one vif spec: a new `mac=`, no `vifname=`; other pieces as written. */
function cloneVif(
  item: string,
  mac: string,
  index: number,
  warnings: string[],
): { text: string; from: string | null } {
  let from: string | null = null;
  const pieces: string[] = [];
  for (const piece of item.split(',')) {
    const m = /^(\s*)(mac|vifname|ip)\s*=(.*)$/.exec(piece);
    if (m?.[2] === 'mac') {
      from = (m[3] ?? '').trim().toLowerCase();
      pieces.push(`${m[1]}mac=${mac}`);
    } else if (m?.[2] === 'vifname') {
      warnings.push(
        `vif ${index}: vifname=${(m[3] ?? '').trim()} dropped (dom0 names the clone's interface vif<domid>.${index})`,
      );
    } else {
      if (m?.[2] === 'ip') {
        warnings.push(
          `vif ${index}: ip=${(m[3] ?? '').trim()} kept: the clone claims the same addresses as its source until you change them`,
        );
      }
      pieces.push(piece);
    }
  }
  if (from === null) pieces.unshift(`mac=${mac}`);
  return { text: pieces.filter((p, i) => p !== '' || i === 0).join(','), from };
}

/**
 * The clone's config text from the source's `text`. Throws ApiError CONFIG_INVALID (422) when
 * the source has syntax errors, INTERNAL when the edited text does not read back as the new guest.
 */
export function cloneConfigText(
  text: string,
  newName: string,
  disks: readonly DiskRetarget[],
  random: CloneRandom = defaultRandom,
): ClonedConfig {
  const doc = parseXlConfig(text);
  if (doc.errors.length > 0) {
    throw new ApiError('CONFIG_INVALID', `the source config has errors: ${doc.errors[0]?.message}`);
  }
  doc.set('name', newName);
  if (doc.has('uuid')) doc.set('uuid', random.uuid());
  const warnings: string[] = [];
  const macs: ClonedConfig['macs'] = [];
  const vifValue = doc.get('vif');
  listItems(doc, 'vif').forEach((item, i) => {
    const mac = guestMac(random.macBytes());
    const out = cloneVif(item, mac, i, warnings);
    macs.push({ from: out.from, to: mac });
    if (typeof vifValue === 'string') doc.set('vif', out.text);
    else doc.setListItem('vif', i, out.text);
  });
  const diskValue = doc.get('disk');
  const diskItems = listItems(doc, 'disk');
  for (const d of disks) {
    const item = diskItems[d.diskIndex];
    const at = item?.lastIndexOf(d.from) ?? -1;
    if (item === undefined || at < 0) {
      throw new ApiError('INTERNAL', `disk ${d.diskIndex} does not name ${d.from} any more`);
    }
    const next = item.slice(0, at) + d.to + item.slice(at + d.from.length);
    diskItems[d.diskIndex] = next;
    if (typeof diskValue === 'string') doc.set('disk', next);
    else doc.setListItem('disk', d.diskIndex, next);
  }
  const out = doc.toString();
  const back = parseXlConfig(out);
  if (back.errors.length > 0 || back.get('name') !== newName) {
    throw new ApiError('INTERNAL', 'the clone config did not read back as the new guest');
  }
  return { text: out, macs, warnings };
}
