/**
 * The simulated host's saved images: a real xl header (`saved-image.ts`: magic, flags, the config
 * as libxl JSON, so the server's list and `readXlSaveHeader` treat it as any `xl save` image),
 * then, where libxl's stream would be, a marker line and the simulated domain as JSON. The file
 * is then extended (sparse) to the domain's memory size, so sizes and progress look like a real
 * save without writing the memory. A real xl image restores on the simulated host too: its
 * domain is rebuilt from the saved config's summary.
 */
import { open } from 'node:fs/promises';
import { encodeXlSaveHeader, type XlSaveHeader } from '../saved-image.js';

/** First line of the simulated domain after the xl header. */
export const SIM_IMAGE_MARKER = 'XENDECK-SIMULATED-DOMAIN\n';

/** What a simulated save keeps beside the config: enough to rebuild the domain. */
export interface SimulatedImagePayload {
  /** The simulated domain's spec (as `SimulatedDomainSpec`, JSON). */
  spec: Record<string, unknown>;
  /** CPU time at the save, ns (a restored domain continues from it). */
  cpuTimeNs: number;
}

/** The domain as libxl JSON (`c_info`, `b_info`, as `libxl_domain_config_to_json` names them). */
export function simulatedConfigJson(d: {
  name: string;
  uuid: string;
  type: string;
  targetKiB: number;
  maxMemoryKiB: number;
  vcpus: number;
  maxVcpus: number;
}): Record<string, unknown> {
  return {
    c_info: { type: d.type, name: d.name, uuid: d.uuid },
    b_info: {
      max_vcpus: d.maxVcpus,
      avail_vcpus: Array.from({ length: d.vcpus }, (_, i) => i),
      max_memkb: d.maxMemoryKiB,
      target_memkb: Math.round(d.targetKiB),
    },
  };
}

/** Header + marker + payload JSON + newline. */
export function encodeSimulatedImage(
  config: Record<string, unknown>,
  payload: SimulatedImagePayload,
): Buffer {
  return Buffer.concat([
    encodeXlSaveHeader(config),
    Buffer.from(`${SIM_IMAGE_MARKER}${JSON.stringify(payload)}\n`, 'utf8'),
  ]);
}

/** The simulated payload after an image's header, or undefined (a real xl image, or damaged). */
export async function readSimulatedPayload(
  file: string,
  header: XlSaveHeader,
): Promise<SimulatedImagePayload | undefined> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 48 + header.optionalDataBytes);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    if (!text.startsWith(SIM_IMAGE_MARKER)) return undefined;
    const line = text.slice(SIM_IMAGE_MARKER.length).split('\n', 1)[0] ?? '';
    const parsed = JSON.parse(line) as SimulatedImagePayload;
    return typeof parsed.spec === 'object' && parsed.spec !== null ? parsed : undefined;
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}
