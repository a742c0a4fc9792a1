/**
 * Opens the hypervisor backend the configuration names, and seeds the simulated host's config dir;
 * opens the storage backend that goes with it (LVM on a real host, in memory with the simulated one).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSimulatedHost, type Hypervisor, openLibxlHost } from '@xendeck/hypervisor';
import { createSimulatedStorage, openLvmStorage, type Storage } from '@xendeck/storage';
import type { Config } from './config.js';

/**
 * Example configs written into `<stateDir>/sim-etc-xen/` the first time the simulated backend
 * starts without XENDECK_CONFIG_DIR, so the UI has something to start. The simulated host reads
 * them with @xendeck/xl-config, as xl would (disks, vifs, VNC, serial and the on_* actions too).
 */
export const SIM_CONFIGS: Record<string, string> = {
  'demo-pv.cfg': `# =====================================================================
#  demo-pv — small PV guest (example written by Xendeck for the simulated host)
#  Customer: internal / monitoring     Contract: none     Created: 2016-05-02
#  On a real host: xl create /etc/xen/demo-pv.cfg
# =====================================================================

name    = "demo-pv"
type    = "pv"

# Kernel and initrd live in dom0 (direct boot). We used pygrub until 2021:
#bootloader = "pygrub"
kernel  = "/var/lib/xen/images/vmlinuz"   # dom0's path to the guest kernel
ramdisk = "/var/lib/xen/images/initrd.img"
extra   = "console=hvc0"
#extra  = "console=hvc0 earlyprintk=xen loglevel=8"   # for debugging boot problems

memory  = 256      # MiB at start
maxmem  = 512      # MiB the balloon may grow to
vcpus   = 1
#cpus   = "2-3"    # pinning removed after the 2020 hardware move

disk    = [ 'phy:/dev/vg0/demo-pv,xvda,w',
            # 'phy:/dev/vg0/demo-pv-swap,xvdb,w',   # swap disk, removed 2019-11
          ]
vif     = [ 'bridge=xenbr0' ]

on_poweroff = "destroy"
on_reboot   = "restart"
on_crash    = "destroy"   # was "preserve" while we chased a kernel oops
`,
  'demo-hvm.cfg': `# demo-hvm — an HVM guest booting from an ISO, with a VNC console
# (example written by Xendeck for the simulated host).
#
# Install procedure: boot from the CD (boot = "d"), install, then switch the
# boot order to "c" and remove the ISO from the disk list.

name    = "demo-hvm"
type    = "hvm"
memory  = 512      # MiB
vcpus   = 2
#maxvcpus = 4

disk    = [ 'file:/var/lib/xen/images/ipxe.iso,hdc:cdrom,r',
            # 'phy:/dev/vg0/demo-hvm,hda,w',
          ]
boot    = "d"      # d = CD-ROM first; "c" once installed

# Console: VNC on the management network only.
vnc     = 1
vnclisten = "0.0.0.0"
#vncpasswd = "changeme"
serial  = "pty"
#usbdevice = "tablet"   # better mouse tracking in VNC
`,
  'web-01.cfg': `# web-01 — customer 4711 (shop frontend)
# The simulated host runs this guest: starting it again gives DOMAIN_EXISTS
# until it is shut down or destroyed.
#   2018-02  created (2 vCPU / 1 GiB)
#   2019-03  maxmem raised to 2 GiB (ticket #8812)
#   2022-07  converted from PV to PVH

name    = "web-01"
type    = "pvh"
#type   = "pv"         # before 2022-07
kernel  = "/var/lib/xen/images/vmlinuz"
memory  = 1024     # MiB
maxmem  = 2048     # MiB
vcpus   = 2
#cap    = 100      # percent of one pCPU; uncomment if it misbehaves again
# Do not change the MAC: the customer's licence server is bound to it.
vif     = [ 'bridge=xenbr0,mac=00:16:3e:00:00:01' ]
`,
};

/** Creates `dir` with {@link SIM_CONFIGS} when it does not exist yet (never overwrites). */
export async function seedSimulatedConfigDir(dir: string): Promise<boolean> {
  if (existsSync(dir)) return false;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const [file, text] of Object.entries(SIM_CONFIGS)) {
    await writeFile(join(dir, file), text, { mode: 0o644 });
  }
  return true;
}

/**
 * The configured backend: the simulated host (seeding its config dir when it is the default one),
 * or the real libxl host. Throws HypervisorError XEN_UNAVAILABLE / NATIVE_UNAVAILABLE from
 * `openLibxlHost` when there is no usable Xen here.
 */
export async function openBackend(config: Config): Promise<Hypervisor> {
  if (config.backend === 'simulated') {
    if (config.simulatedConfigDir) await seedSimulatedConfigDir(config.configDir);
    return createSimulatedHost({
      dom0MinMiB: config.dom0MinMiB,
      syntheticDomains: config.simSyntheticDomains,
    });
  }
  return openLibxlHost({
    dom0MinMiB: config.dom0MinMiB,
    createTimeoutMs: config.createTimeoutMs,
    xlPath: config.xlPath,
  });
}

/**
 * The simulated host's volume groups: `vg0` (100 GiB) holding the LV the seed config `demo-pv`
 * names and the LVs of the simulated host's own domains (`/dev/vg0/<name>`), open as their
 * running domains hold them.
 */
export function simulatedStorage(): Storage {
  const GiB = 1024 ** 3;
  const storage = createSimulatedStorage({
    volumeGroups: [
      {
        name: 'vg0',
        physicalVolumes: [{ name: '/dev/sdb', sizeBytes: 100 * GiB }],
        logicalVolumes: [
          { name: 'demo-pv', sizeBytes: 8 * GiB },
          { name: 'web-01', sizeBytes: 10 * GiB },
          { name: 'db-01', sizeBytes: 20 * GiB },
          { name: 'build-pv', sizeBytes: 4 * GiB },
        ],
      },
    ],
  });
  for (const lv of ['web-01', 'db-01', 'build-pv']) storage.setOpen('vg0', lv, true);
  return storage;
}

/**
 * The storage backend for `hypervisor`: the lvm commands next to real Xen (`openLvmStorage`; it
 * fails per call with LVM_UNAVAILABLE when lvm2 is missing), the in-memory volume groups of
 * {@link simulatedStorage} next to the simulated host, so the simulated UI never touches LVM.
 */
export function openStorage(hypervisor: Hypervisor): Storage {
  return hypervisor.kind === 'simulated' ? simulatedStorage() : openLvmStorage();
}
