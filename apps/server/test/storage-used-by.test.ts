/**
 * The used-by index (`src/storage/used-by.ts`): both LVM path forms, image files after
 * path.resolve, unparseable configs skipped and reported, a domain whose disks throw reported.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainDisk, DomainInfo, Hypervisor } from '@xendeck/hypervisor';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { describeUsers, diskKey, diskUsers, splitMapperName } from '../src/storage/used-by.js';

function domain(domid: number, name: string): DomainInfo {
  return { domid, name } as DomainInfo;
}

function disk(target: string | null, devtype: 'disk' | 'cdrom' = 'disk'): DomainDisk {
  return { vdev: 'xvda', target, devtype, format: 'raw', readonly: false };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xendeck-used-by-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ctxWith(
  domains: DomainInfo[],
  disks: Record<number, DomainDisk[] | Error>,
): Parameters<typeof diskUsers>[0] {
  const hypervisor = {
    listDomains: async () => domains,
    domainDisks: async (domid: number) => {
      const d = disks[domid];
      if (d instanceof Error) throw d;
      if (!d) throw new Error(`asked for domid ${domid}`);
      return d;
    },
  } as unknown as Hypervisor;
  return { config: { configDir: dir } as Config, hypervisor, logger: pino({ level: 'silent' }) };
}

describe('diskKey', () => {
  it('makes /dev/<vg>/<lv> and /dev/mapper/<vg>-<lv> one key, dashes doubled', () => {
    expect(diskKey('/dev/vg0/web1')).toBe('lv:vg0/web1');
    expect(diskKey('/dev/mapper/vg0-web1')).toBe('lv:vg0/web1');
    expect(diskKey('/dev/mapper/my--vg-web--1--disk')).toBe(diskKey('/dev/my-vg/web-1-disk'));
    expect(diskKey('/dev/mapper/my--vg-web--1--disk')).toBe('lv:my-vg/web-1-disk');
  });
  it('resolves other absolute paths and keeps relative targets as written', () => {
    expect(diskKey('/var/lib/xen/images/./a.img')).toBe('path:/var/lib/xen/images/a.img');
    expect(diskKey('/var//lib/xen/x/../images/a.img')).toBe('path:/var/lib/xen/images/a.img');
    expect(diskKey('/dev/xvda')).toBe('path:/dev/xvda');
    expect(diskKey('iqn.2001-05.com.example:disk')).toBe('raw:iqn.2001-05.com.example:disk');
  });
  it('splits device-mapper names at the single dash', () => {
    expect(splitMapperName('vg0-root')).toEqual({ vg: 'vg0', lv: 'root' });
    expect(splitMapperName('a--b-c--d')).toEqual({ vg: 'a-b', lv: 'c-d' });
    expect(splitMapperName('nodash')).toBeUndefined();
    expect(splitMapperName('only--doubled')).toBeUndefined();
  });
});

describe('diskUsers', () => {
  it('indexes configs and running domains; either path form finds them', async () => {
    writeFileSync(
      join(dir, 'web1.cfg'),
      `name = "web1"\ndisk = [ 'phy:/dev/mapper/vg0-web--1,xvda,w', 'file:/srv/img/./data.img,xvdb,w' ]\n`,
    );
    writeFileSync(
      join(dir, 'db.cfg'),
      `name = "db"\ndisk = [ 'vdev=xvdc, access=r, target=/dev/vg0/web-1' ]\n`,
    );
    writeFileSync(join(dir, 'notes.txt'), `disk = [ '/dev/vg0/web-1,xvda,w' ]\n`);
    const u = await diskUsers(
      ctxWith([domain(0, 'Domain-0'), domain(3, 'web1'), domain(5, 'other')], {
        3: [disk('/dev/vg0/web-1'), disk(null, 'cdrom')],
        5: [disk('/srv/img/data.img'), disk('/srv/iso/debian.iso', 'cdrom')],
      }),
    );
    const users = u.usersOf('/dev/vg0/web-1');
    expect(users).toEqual([
      { kind: 'config', name: 'db', path: join(dir, 'db.cfg') },
      { kind: 'config', name: 'web1', path: join(dir, 'web1.cfg') },
      { kind: 'domain', name: 'web1', domid: 3 },
    ]);
    expect(u.usersOf('/dev/mapper/vg0-web--1')).toEqual(users);
    expect(u.usersOfVolume('vg0', 'web-1')).toEqual(users);
    expect(u.usersOf('/srv/img/data.img').map((x) => x.name)).toEqual(['web1', 'other']);
    expect(u.usersOf('/srv/iso/debian.iso')).toEqual([{ kind: 'domain', name: 'other', domid: 5 }]);
    expect(u.usersOf('/dev/vg0/unused')).toEqual([]);
    expect(describeUsers(users)).toBe('config db, config web1, domain web1 (domid 3)');
    expect(u.skipped).toEqual([]);
    expect(u.unknownDomains).toEqual([]);
  });

  it('skips and reports a config that does not parse, keeps the others', async () => {
    writeFileSync(join(dir, 'broken.cfg'), `disk = [ 'phy:/dev/vg0/a,xvda,w'\nname = \n`);
    writeFileSync(join(dir, 'good.cfg'), `disk = [ 'phy:/dev/vg0/a,xvda,w' ]\n`);
    mkdirSync(join(dir, 'dir.cfg'));
    symlinkSync(join(dir, 'good.cfg'), join(dir, 'link.cfg'));
    const u = await diskUsers(ctxWith([], {}));
    // broken.cfg does not parse, but its text names the volume: it still counts.
    expect(u.usersOfVolume('vg0', 'a').map((x) => x.name)).toEqual(['broken', 'good', 'link']);
    expect(u.usersOfVolume('vg0', 'b')).toEqual([]);
    expect(u.skipped).toHaveLength(1);
    expect(u.skipped[0]?.path).toBe(join(dir, 'broken.cfg'));
    expect(u.skipped[0]?.reason).toMatch(/^line \d+: /);
  });

  it('counts a skipped config whose text names the disk as a user (in either LVM spelling)', async () => {
    writeFileSync(join(dir, 'typo.cfg'), `disk = [ 'phy:/dev/mapper/vg--1-data,xvda,w'\nname = \n`);
    const u = await diskUsers(ctxWith([], {}));
    expect(u.skipped.map((s) => s.path)).toEqual([join(dir, 'typo.cfg')]);
    expect(u.usersOf('/dev/vg-1/data')).toEqual([
      { kind: 'config', name: 'typo', path: join(dir, 'typo.cfg') },
    ]);
    expect(u.usersOf('/dev/vg-1/dat')).toEqual([]);
  });

  it('reports a domain whose disks throw as unknown, and still lists the rest', async () => {
    const u = await diskUsers(
      ctxWith([domain(2, 'a'), domain(4, 'b')], {
        2: new Error('domainDisks is not implemented'),
        4: [disk('/dev/vg0/b')],
      }),
    );
    expect(u.unknownDomains).toEqual([
      { name: 'a', domid: 2, reason: 'domainDisks is not implemented' },
    ]);
    expect(u.usersOfVolume('vg0', 'b')).toEqual([{ kind: 'domain', name: 'b', domid: 4 }]);
  });

  it('a missing config dir is an empty index', async () => {
    rmSync(dir, { recursive: true });
    const u = await diskUsers(ctxWith([], {}));
    expect(u.skipped).toEqual([]);
    expect(u.usersOf('/dev/vg0/a')).toEqual([]);
  });
});
