import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useConfigs } from '@/features/configs';
import { useDomains } from '@/features/domains';
import { useHost } from '@/features/host';
import { useIsos } from '@/features/isos';
import {
  imagesQueryOptions,
  volumeGroupsQueryOptions,
  volumesQueryOptions,
} from '@/features/storage';
import { useGuestHost } from '../api/get-guest-host';
import type { WizardData } from './wizard-data';

const message = (e: Error | null) => (e ? e.message : undefined);

/**
 * Everything the wizard's steps read, from the queries of the features that own it (host,
 * domains, configs, storage, ISO library, guest defaults); the volumes of each volume group named
 * in `volumeGroups` (the disks' choices).
 */
export function useWizardData(volumeGroups: readonly string[]): WizardData {
  const host = useHost();
  const domains = useDomains();
  const configs = useConfigs();
  const vgs = useQuery(volumeGroupsQueryOptions());
  const images = useQuery(imagesQueryOptions());
  const isos = useIsos();
  const defaults = useGuestHost();
  const volumes = useQueries({ queries: volumeGroups.map((vg) => volumesQueryOptions(vg)) });

  const volumesByVg = volumeGroups
    .map((vg, i) => `${vg}:${volumes[i]?.dataUpdatedAt ?? 0}`)
    .join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: volumesByVg stands for `volumes` (a new array each render)
  const volumesRecord = useMemo(
    () => Object.fromEntries(volumeGroups.map((vg, i) => [vg, volumes[i]?.data?.volumes])),
    [volumesByVg],
  );
  const takenNames = useMemo(
    () =>
      new Set([
        ...(domains.data ?? []).map((d) => d.name),
        ...(configs.data ?? []).map((c) => c.name),
      ]),
    [domains.data, configs.data],
  );

  return useMemo(
    () => ({
      host: host.data,
      takenNames,
      volumeGroups: vgs.data?.volumeGroups,
      volumeGroupsError: message(vgs.error),
      volumes: volumesRecord,
      images: images.data,
      imagesError: message(images.error),
      isos: isos.data,
      isosError: message(isos.error),
      bridges: defaults.data?.bridges,
      bridgesError: message(defaults.error),
      paths: defaults.data
        ? {
            configDir: defaults.data.configDir,
            isoDir: defaults.data.isoDir,
            imageDir: defaults.data.imageDir,
          }
        : undefined,
    }),
    [
      host.data,
      takenNames,
      vgs.data,
      vgs.error,
      volumesRecord,
      images.data,
      images.error,
      isos.data,
      isos.error,
      defaults.data,
      defaults.error,
    ],
  );
}
