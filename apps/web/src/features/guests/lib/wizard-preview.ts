/**
 * The review step's preview: xl-config's `guestPreview` (the function the server writes the file
 * with) of the request the form would send, for the host's directories. Never throws: a request
 * the mapping refuses gives its message.
 */
import { type GuestHostPaths, guestPreview } from '@xendeck/xl-config';
import type { GuestRequest } from './wizard-request';

export type GuestPreviewResult =
  | { configText: string; configPath: string; commands: string[] }
  | { error: string };

/** Directories the preview resolves names in (from the guest defaults endpoint). */
export type GuestPreviewPaths = GuestHostPaths & { configDir: string };

export function previewGuest(
  request: GuestRequest,
  paths: GuestPreviewPaths | undefined,
  origin: { user: string; createdAt: Date },
): GuestPreviewResult {
  if (!paths) return { error: 'waiting for the host’s directories' };
  try {
    const { configText, configPath, commands } = guestPreview(request, paths, origin);
    return { configText, configPath, commands };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
