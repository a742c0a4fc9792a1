/**
 * Opens the hypervisor backend the configuration names, and seeds the simulated host's config dir.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSimulatedHost, type Hypervisor, openLibxlHost } from '@xendeck/hypervisor';
import type { Config } from './config.js';

/**
 * Example configs written into `<stateDir>/sim-etc-xen/` the first time the simulated backend
 * starts without XENDECK_CONFIG_DIR, so the UI has something to start. The simulated host reads
 * name, type, memory, maxmem and vcpus; the rest is there to look like a real /etc/xen file.
 */
export const SIM_CONFIGS: Record<string, string> = {
  'demo-pv.cfg': `# A small PV guest (example written by Xendeck for the simulated host).
# On a real host: xl create /etc/xen/demo-pv.cfg
name    = "demo-pv"
type    = "pv"
kernel  = "/var/lib/xen/images/vmlinuz"   # dom0's path to the guest kernel
ramdisk = "/var/lib/xen/images/initrd.img"
extra   = "console=hvc0"
memory  = 256      # MiB at start
maxmem  = 512      # MiB the balloon may grow to
vcpus   = 1
vif     = [ 'bridge=xenbr0' ]
on_reboot = "restart"
on_crash  = "destroy"
`,
  'demo-hvm.cfg': `# An HVM guest booting from an ISO, with a VNC console
# (example written by Xendeck for the simulated host).
name    = "demo-hvm"
type    = "hvm"
memory  = 512      # MiB
vcpus   = 2
disk    = [ 'file:/var/lib/xen/images/ipxe.iso,hdc:cdrom,r' ]
boot    = "d"
vnc     = 1
vnclisten = "0.0.0.0"
serial  = "pty"
`,
  'web-01.cfg': `# The config of the simulated host's running "web-01" guest: starting it again gives
# DOMAIN_EXISTS until it is shut down or destroyed.
name    = "web-01"
type    = "pvh"
kernel  = "/var/lib/xen/images/vmlinuz"
memory  = 1024     # MiB
maxmem  = 2048     # MiB
vcpus   = 2
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
    return createSimulatedHost({ dom0MinMiB: config.dom0MinMiB });
  }
  return openLibxlHost({ dom0MinMiB: config.dom0MinMiB });
}
