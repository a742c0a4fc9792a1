/**
 * The contract of {@link Hypervisor.saveDomain} and {@link Hypervisor.restoreDomain}, run
 * against both backends: the simulated host everywhere (`test/simulated-save-restore.test.ts`),
 * the libxl backend in the Xen lab (`test/save-restore.lab.test.ts`). The cases share one guest
 * and run in order: refusals → checkpoint save (the guest keeps running) → save (it goes away;
 * progress reported, the image names it) → restore (new domid, same name, file kept) → refusals
 * of a restore over the running name → destroy.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHypervisorError } from '../errors.js';
import { readXlSaveHeader } from '../saved-image.js';
import type { Hypervisor } from '../types.js';

/** What a backend's test file hands to {@link describeSaveRestoreContract}. */
export interface SaveRestoreSetup {
  host: Hypervisor;
  /** An xl config of a small guest that can be saved (PV, 128 MiB in the lab). */
  guestConfigPath: string;
  /** Its `name`. */
  guestName: string;
  /** A directory for the state files (default: a new one under the OS temp dir, removed after). */
  dir?: string;
  /** Called once after all cases. */
  teardown(): Promise<void>;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isHypervisorError(err)) return err.code;
    throw err;
  }
  return 'resolved';
}

export function describeSaveRestoreContract(
  name: string,
  setup: () => Promise<SaveRestoreSetup>,
  opts: { caseTimeoutMs?: number } = {},
): void {
  const timeout = opts.caseTimeoutMs ?? 180_000;
  describe(`save and restore contract: ${name}`, () => {
    let s: SaveRestoreSetup;
    let dir: string;
    let ownDir = false;
    let domid = -1;

    beforeAll(async () => {
      s = await setup();
      ownDir = s.dir === undefined;
      dir = s.dir ?? (await mkdtemp(join(tmpdir(), 'xendeck-save-')));
      const existing = await s.host.domidByName(s.guestName);
      if (existing !== undefined) await s.host.domainOperation(existing, 'destroy');
      domid = (await s.host.createDomain(s.guestConfigPath)).domid;
    }, timeout);

    afterAll(async () => {
      const left = await s.host.domidByName(s.guestName).catch(() => undefined);
      if (left !== undefined) await s.host.domainOperation(left, 'destroy').catch(() => {});
      if (ownDir) await rm(dir, { recursive: true, force: true });
      await s.teardown();
    }, timeout);

    it(
      'refuses dom0, an unknown domid, a relative path, a missing directory and an existing file',
      async () => {
        expect(await codeOf(s.host.saveDomain(0, join(dir, 'dom0')))).toBe('INVALID_STATE');
        expect(await codeOf(s.host.saveDomain(30_000, join(dir, 'nobody')))).toBe(
          'DOMAIN_NOT_FOUND',
        );
        expect(await codeOf(s.host.saveDomain(domid, 'relative/file'))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(s.host.saveDomain(domid, join(dir, 'no-such-dir', 'f')))).toBe(
          'INVALID_ARGUMENT',
        );
        const taken = join(dir, 'taken');
        await writeFile(taken, 'precious');
        expect(await codeOf(s.host.saveDomain(domid, taken))).toBe('INVALID_ARGUMENT');
        expect((await stat(taken)).size).toBe(8);
        expect(await codeOf(s.host.restoreDomain(join(dir, 'missing')))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(s.host.restoreDomain(taken))).toBe('INVALID_ARGUMENT');
        // The guest is untouched.
        expect((await s.host.domainInfo(domid)).name).toBe(s.guestName);
      },
      timeout,
    );

    it(
      'checkpoint: the guest keeps running under its domid; the image names it',
      async () => {
        const file = join(dir, `${s.guestName}.checkpoint`);
        const r = await s.host.saveDomain(domid, file, { checkpoint: true });
        expect(r.file).toBe(file);
        expect(r.sizeBytes).toBe((await stat(file)).size);
        const info = await s.host.domainInfo(domid);
        expect(info.name).toBe(s.guestName);
        expect(['running', 'blocked']).toContain(info.state);
        const header = await readXlSaveHeader(file);
        expect(header.name).toBe(s.guestName);
        expect(header.restorable).toBe(true);
        // A restore while the saved name runs is refused, and changes nothing.
        expect(await codeOf(s.host.restoreDomain(file))).toBe('DOMAIN_EXISTS');
        expect(await s.host.domidByName(s.guestName)).toBe(domid);
        await rm(file);
      },
      timeout,
    );

    let saved = '';
    let savedDomid = -1;
    it(
      'save: the guest goes away, progress is reported, no partial file is left',
      async () => {
        const info = await s.host.domainInfo(domid);
        saved = join(dir, s.guestName);
        const progress: number[] = [];
        const r = await s.host.saveDomain(domid, saved, { onProgress: (b) => progress.push(b) });
        expect(await s.host.domidByName(s.guestName)).toBeUndefined();
        expect(r.sizeBytes).toBe((await stat(saved)).size);
        // An image holds the guest's memory (pages + a little state): about its size.
        expect(r.sizeBytes).toBeGreaterThan(info.memoryKiB * 1024 * 0.5);
        expect(progress.length).toBeGreaterThan(0);
        expect(progress.every((b, i) => i === 0 || b >= (progress[i - 1] ?? 0))).toBe(true);
        expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
        expect((await readXlSaveHeader(saved)).summary.type).toBe(info.type);
        savedDomid = domid;
      },
      timeout,
    );

    it(
      'restore: the same name under a new domid, the file kept; a second restore → DOMAIN_EXISTS',
      async () => {
        const r = await s.host.restoreDomain(saved);
        expect(r.name).toBe(s.guestName);
        expect(r.domid).not.toBe(savedDomid);
        expect(await s.host.domidByName(s.guestName)).toBe(r.domid);
        const info = await s.host.domainInfo(r.domid);
        expect(['running', 'blocked']).toContain(info.state);
        expect((await stat(saved)).isFile()).toBe(true);
        expect(await codeOf(s.host.restoreDomain(saved))).toBe('DOMAIN_EXISTS');
        domid = r.domid;
      },
      timeout,
    );
  });
}
