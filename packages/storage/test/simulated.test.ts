import { createSimulatedStorage } from '../src/simulated-storage.js';
import { describeStorageContract } from '../src/testing/contract.js';

describeStorageContract('simulated', async () => {
  const storage = createSimulatedStorage({
    volumeGroups: [
      {
        name: 'vg0',
        physicalVolumes: [
          { name: '/dev/vdb', sizeBytes: 20 * 1024 * 1024 * 1024 },
          { name: '/dev/vdc', sizeBytes: 1024 * 1024 * 1024 + 123 },
        ],
        logicalVolumes: [{ name: 'guest1', sizeBytes: 1024 * 1024 * 1024 }],
      },
    ],
  });
  return {
    storage,
    vg: 'vg0',
    prefix: 'xdtest-',
    holdOpen: async (lv) => {
      storage.setOpen(lv.vg, lv.name, true);
      return async () => storage.setOpen(lv.vg, lv.name, false);
    },
    failNextCopy: (message) => storage.failNextCopy(message),
  };
});
