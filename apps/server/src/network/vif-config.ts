/**
 * The one rule of how a vif attached or detached with `persist` edits the `vif = [...]` list of a
 * domain's config file (`@xendeck/xl-config`'s document; the save path is the live changes'
 * `runLiveChange`): attach appends the spec that was attached (with the MAC it got, so the next
 * boot keeps it); detach removes the entry that made the running vif — the one whose `mac=` is
 * the vif's MAC, else the one libxl gave that devid (an explicit `devid=`, or the next number
 * after the highest explicit one, in list order, as libxl__device_nic_set_devids does).
 */
import type { DomainNic } from '@xendeck/hypervisor';
import { parseVifSpec, type XlDocument, type XlValue } from '@xendeck/xl-config';

/** The items of the file's `vif` list as xl reads them ([] when absent or not a list). */
export function configVifItems(doc: XlDocument): XlValue[] {
  const v = doc.get('vif');
  return Array.isArray(v) ? v : [];
}

/** The devid libxl gives each entry of a `vif` list (null for an item that is not a string). */
export function configVifDevids(items: readonly XlValue[]): (number | null)[] {
  const specs = items.map((i) => (typeof i === 'string' ? parseVifSpec(i).vif : null));
  let last = Math.max(-1, ...specs.map((s) => s?.devid ?? -1));
  return specs.map((s) => (s === null ? null : (s.devid ?? ++last)));
}

/**
 * Index in `items` of the entry for the running vif `nic` (see the module comment), or -1 when the
 * list has none (the vif was attached without persist, or the file changed since boot).
 */
export function findConfigVif(
  items: readonly XlValue[],
  nic: Pick<DomainNic, 'mac' | 'devid'>,
): number {
  const byMac = items.findIndex(
    (i) => typeof i === 'string' && parseVifSpec(i).vif.mac === nic.mac.toLowerCase(),
  );
  if (byMac >= 0) return byMac;
  const devids = configVifDevids(items);
  return items.findIndex(
    (i, k) =>
      typeof i === 'string' && parseVifSpec(i).vif.mac === undefined && devids[k] === nic.devid,
  );
}
