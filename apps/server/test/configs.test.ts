/**
 * The config-file editor API on the simulated host with a temp config dir: byte-exact reads,
 * If-Match, validation, atomic writes, history, restore, create.
 */
import {
  chmodSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  apiErrorSchema,
  CONFIG_MAX_DIAGNOSTICS,
  configDocumentSchema,
  configHistoryEntrySchema,
  configSaveResultSchema,
  configVersionSchema,
  createConfigResultSchema,
} from '@xendeck/api';
import { parseXlConfig, toDomainConfig } from '@xendeck/xl-config';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_CONFIGS } from '../src/backend.js';
import type { CommitOps } from '../src/configs/atomic.js';
import { atomicWriteFile, realCommitOps } from '../src/configs/atomic.js';
import { MAX_VERSIONS_PER_FILE } from '../src/configs/history.js';
import { type Fixture, type FixtureOptions, makeFixture } from './helpers.js';

/** A hoster's file: comments, commented-out settings, odd spacing, a trailing comment. */
const HAND_WRITTEN = `# web-01 — customer 4711, migrated from xm in 2014
#   (do not change the MAC: the customer's licence is bound to it)
name   = "web-01"
type="pvh"
kernel = "/var/lib/xen/images/vmlinuz"
memory = 1024   # MiB, raised 2019-03 (ticket #8812)
#maxmem = 4096
vcpus  = 2
vif    = [ 'bridge=xenbr0,mac=00:16:3e:00:00:01',
           # 'bridge=xenbr1',
         ]
disk   = [ 'phy:/dev/vg0/web-01,xvda,w' ]
\t# tab-indented comment ✓ ünïcödé
`;

let f: Fixture;
let dir: string;

async function setup(opts: FixtureOptions = {}) {
  f = await makeFixture(opts);
  dir = f.config.configDir;
}
afterEach(async () => {
  await f.cleanup();
});

const file = (name: string) => join(dir, `${name}.cfg`);
const tempFiles = () => readdirSync(dir).filter((n) => n.includes('.xendeck-'));

async function getConfig(name: string) {
  const res = await f.admin.get(`/api/v1/configs/${name}`);
  return res;
}

function put(name: string, text: string, etag?: string) {
  const r = f.admin.put(`/api/v1/configs/${name}`).set('Content-Type', 'application/json');
  if (etag !== undefined) r.set('If-Match', etag);
  return r.send({ text });
}

describe('GET /configs/:name', () => {
  beforeEach(() => setup());

  it('answers the exact text, model, diagnostics, ETag header and running/domid', async () => {
    writeFileSync(file('web-01'), HAND_WRITTEN);
    const res = await getConfig('web-01');
    expect(res.status).toBe(200);
    const doc = configDocumentSchema.parse(res.body);
    expect(doc.text).toBe(HAND_WRITTEN);
    expect(Buffer.from(doc.text, 'utf8').equals(readFileSync(file('web-01')))).toBe(true);
    expect(doc.path).toBe(file('web-01'));
    expect(res.headers.etag).toBe(doc.etag);
    expect(doc.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(doc.model).toMatchObject({ name: 'web-01', type: 'pvh', memoryMiB: 1024, vcpus: 2 });
    expect(doc.errors).toEqual([]);
    // The simulated host runs web-01.
    const domid = await f.sim.domidByName('web-01');
    expect(domid).toBeGreaterThan(0);
    expect(doc.running).toBe(true);
    expect(doc.domid).toBe(domid);
    expect(doc.modifiedAt).toBe(statSync(file('web-01')).mtime.toISOString());
  });

  it('reports syntax errors with line and column, and changes the ETag with the bytes', async () => {
    writeFileSync(file('broken'), 'name = "broken"\nmemory = 512\ntype = hvm\n');
    const res = await getConfig('broken');
    expect(res.status).toBe(200);
    const doc = configDocumentSchema.parse(res.body);
    expect(doc.running).toBe(false);
    expect(doc.domid).toBeUndefined();
    expect(doc.errors[0]).toMatchObject({ code: 'BARE_WORD', line: 3, column: 8 });
    writeFileSync(file('broken'), 'name = "broken"\nmemory = 512\ntype = "hvm"\n');
    const again = configDocumentSchema.parse((await getConfig('broken')).body);
    expect(again.errors).toEqual([]);
    expect(again.etag).not.toBe(doc.etag);
  });

  it('refuses a file that is not UTF-8 with 422 CONFIG_NOT_UTF8, and never rewrites it', async () => {
    const latin1 = Buffer.from('# Grüße\nname = "x"\n', 'latin1');
    writeFileSync(file('legacy'), latin1);
    const res = await getConfig('legacy');
    expect(res.status).toBe(422);
    const err = apiErrorSchema.parse(res.body).error;
    expect(err.code).toBe('CONFIG_NOT_UTF8');
    expect(err.message).toContain('not valid UTF-8');
    expect(err.details?.offset).toBe(4);
    const p = await put('legacy', 'name = "x"\n', '"00000000000000000000000000000000"');
    expect(p.status).toBe(422);
    expect(readFileSync(file('legacy')).equals(latin1)).toBe(true);
  });

  it('refuses a symlink with 422 CONFIG_NOT_REGULAR, even one pointing inside the dir', async () => {
    writeFileSync(join(f.stateDir, 'outside.cfg'), 'name = "secret"\n');
    symlinkSync(join(f.stateDir, 'outside.cfg'), file('evil'));
    writeFileSync(file('real'), 'name = "real"\n');
    symlinkSync(file('real'), file('alias'));
    for (const name of ['evil', 'alias']) {
      const res = await getConfig(name);
      expect(res.status, name).toBe(422);
      const err = apiErrorSchema.parse(res.body).error;
      expect(err.code).toBe('CONFIG_NOT_REGULAR');
      expect(err.message).toContain('symbolic link');
      expect(JSON.stringify(res.body)).not.toContain('secret');
    }
  });

  it('refuses a file over 1 MiB with 422 CONFIG_TOO_LARGE', async () => {
    writeFileSync(file('huge'), `# ${'x'.repeat(1024 * 1024)}\n`);
    const res = await getConfig('huge');
    expect(res.status).toBe(422);
    expect(apiErrorSchema.parse(res.body).error.code).toBe('CONFIG_TOO_LARGE');
  });

  it('answers 404 CONFIG_NOT_FOUND for a missing file', async () => {
    const res = await getConfig('nope');
    expect(res.status).toBe(404);
    expect(apiErrorSchema.parse(res.body).error.code).toBe('CONFIG_NOT_FOUND');
  });

  it('refuses bad names with 422 before touching the filesystem', async () => {
    for (const bad of ['..%2Fx', 'a%2Fb', '.hidden', '-x']) {
      const res = await f.admin.get(`/api/v1/configs/${bad}`);
      expect(res.status, bad).toBe(422);
      expect(apiErrorSchema.parse(res.body).error.code).toBe('INVALID_INPUT');
      const p = await put(bad, 'name = "x"\n', '"00000000000000000000000000000000"');
      expect(p.status, bad).toBe(422);
    }
  });
});

describe('PUT /configs/:name', () => {
  beforeEach(() => setup());

  it('writes exactly the new bytes, keeps mode, and records before-edit (old bytes) and edit', async () => {
    writeFileSync(file('web-01'), HAND_WRITTEN);
    chmodSync(file('web-01'), 0o640);
    const doc = configDocumentSchema.parse((await getConfig('web-01')).body);
    const edited = HAND_WRITTEN.replace('memory = 1024', 'memory = 2048');
    const res = await put('web-01', edited, doc.etag);
    expect(res.status).toBe(200);
    const out = configSaveResultSchema.parse(res.body);
    expect(out.written).toBe(true);
    expect(readFileSync(file('web-01')).equals(Buffer.from(edited, 'utf8'))).toBe(true);
    expect(statSync(file('web-01')).mode & 0o777).toBe(0o640);
    expect(res.headers.etag).toBe(out.etag);
    expect(out.etag).not.toBe(doc.etag);
    expect(configDocumentSchema.parse((await getConfig('web-01')).body).etag).toBe(out.etag);
    expect(tempFiles()).toEqual([]);

    const hist = (await f.admin.get('/api/v1/configs/web-01/history')).body as unknown[];
    const entries = hist.map((h) => configHistoryEntrySchema.parse(h));
    expect(entries.map((e) => e.reason)).toEqual(['edit', 'before-edit']);
    expect(entries[0]?.id).toBe(out.versionId);
    expect(entries[0]?.savedBy).toBe('admin');
    expect(entries[1]?.etag).toBe(doc.etag);
    const before = configVersionSchema.parse(
      (await f.admin.get(`/api/v1/configs/web-01/history/${entries[1]?.id}`)).body,
    );
    expect(before.text).toBe(HAND_WRITTEN);
    expect(before.sizeBytes).toBe(Buffer.byteLength(HAND_WRITTEN));

    const audit = f.logs.find((l) => l.audit && l.action === 'config.save');
    expect(audit).toMatchObject({
      user: 'admin',
      target: 'config:web-01',
      result: 'ok',
      oldEtag: doc.etag,
      newEtag: out.etag,
    });
  });

  it('a second save records no duplicate before-edit; a hand edit in between is kept', async () => {
    writeFileSync(file('g'), 'name = "g"\nmemory = 256\n');
    let etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    etag = configSaveResultSchema.parse(
      (await put('g', 'name = "g"\nmemory = 512\n', etag)).body,
    ).etag;
    etag = configSaveResultSchema.parse(
      (await put('g', 'name = "g"\nmemory = 768\n', etag)).body,
    ).etag;
    let reasons = (
      (await f.admin.get('/api/v1/configs/g/history')).body as { reason: string }[]
    ).map((h) => h.reason);
    expect(reasons).toEqual(['edit', 'edit', 'before-edit']);
    // Someone edits the file by hand on dom0; then saves through Xendeck after reloading.
    writeFileSync(file('g'), 'name = "g"\nmemory = 1024 # by hand\n');
    etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    await put('g', 'name = "g"\nmemory = 2048\n', etag);
    const hist = (await f.admin.get('/api/v1/configs/g/history')).body as {
      id: number;
      reason: string;
    }[];
    reasons = hist.map((h) => h.reason);
    expect(reasons).toEqual(['edit', 'before-edit', 'edit', 'edit', 'before-edit']);
    const hand = configVersionSchema.parse(
      (await f.admin.get(`/api/v1/configs/g/history/${hist[1]?.id}`)).body,
    );
    expect(hand.text).toBe('name = "g"\nmemory = 1024 # by hand\n');
  });

  it('answers 428 PRECONDITION_REQUIRED without If-Match, and writes nothing', async () => {
    writeFileSync(file('g'), 'name = "g"\n');
    const res = await put('g', 'name = "g"\nmemory = 512\n');
    expect(res.status).toBe(428);
    expect(apiErrorSchema.parse(res.body).error.code).toBe('PRECONDITION_REQUIRED');
    const star = await put('g', 'name = "g"\nmemory = 512\n', '*');
    expect(star.status).toBe(428);
    expect(readFileSync(file('g'), 'utf8')).toBe('name = "g"\n');
  });

  it('answers 409 CONFIG_CHANGED with the current ETag when the file changed behind its back', async () => {
    writeFileSync(file('g'), 'name = "g"\nmemory = 256\n');
    const stale = configDocumentSchema.parse((await getConfig('g')).body).etag;
    writeFileSync(file('g'), 'name = "g"\nmemory = 300 # edited in vi\n');
    const res = await put('g', 'name = "g"\nmemory = 512\n', stale);
    expect(res.status).toBe(409);
    const err = apiErrorSchema.parse(res.body).error;
    expect(err.code).toBe('CONFIG_CHANGED');
    const current = configDocumentSchema.parse((await getConfig('g')).body).etag;
    expect(err.details?.currentEtag).toBe(current);
    expect(readFileSync(file('g'), 'utf8')).toBe('name = "g"\nmemory = 300 # edited in vi\n');
    // With the current ETag it goes through.
    expect((await put('g', 'name = "g"\nmemory = 512\n', current)).status).toBe(200);
  });

  it('refuses a syntax error with 422 CONFIG_INVALID, line/column, and leaves the file alone', async () => {
    writeFileSync(file('g'), HAND_WRITTEN);
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const res = await put('g', `${HAND_WRITTEN}memory = 1,5\nextra = "unterminated\n`, etag);
    expect(res.status).toBe(422);
    const err = apiErrorSchema.parse(res.body).error;
    expect(err.code).toBe('CONFIG_INVALID');
    const errors = err.details?.errors as { code: string; line: number; column: number }[];
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.line).toBe(14);
    expect(errors[0]?.column).toBeGreaterThan(1);
    expect(err.message).toContain('line 14');
    expect(readFileSync(file('g'), 'utf8')).toBe(HAND_WRITTEN);
    expect((await f.admin.get('/api/v1/configs/g/history')).body).toEqual([]);
  });

  it('refuses semantic errors xl create would refuse (maxmem < memory), accepts warnings', async () => {
    writeFileSync(file('g'), 'name = "g"\n');
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const bad = await put('g', 'name = "g"\nmemory = 1024\nmaxmem = 512\n', etag);
    expect(bad.status).toBe(422);
    expect(apiErrorSchema.parse(bad.body).error.code).toBe('CONFIG_INVALID');
    const warn = await put('g', 'name = "g"\nmemroy = 1024\n', etag);
    expect(warn.status).toBe(200);
    const out = configSaveResultSchema.parse(warn.body);
    expect(out.warnings.map((w) => w.code)).toContain('UNKNOWN_KEY');
  });

  it('sends at most CONFIG_MAX_DIAGNOSTICS errors and warnings, with a truncated count (422, GET, save)', async () => {
    writeFileSync(file('g'), 'name = "g"\n');
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    // 300 000 bare keys: one EXPECTED_OPERATOR error each (the review's 1 MiB of `a\n`).
    const manyErrors = `name = "g"\n${'a\n'.repeat(300_000)}`;
    const bad = await put('g', manyErrors, etag);
    expect(bad.status).toBe(422);
    expect(bad.text.length).toBeLessThan(100_000);
    const err = apiErrorSchema.parse(bad.body).error;
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details?.errors).toHaveLength(CONFIG_MAX_DIAGNOSTICS);
    expect(err.details?.truncated).toEqual({
      errors: 300_000 - CONFIG_MAX_DIAGNOSTICS,
      warnings: 0,
    });
    expect(err.message).toContain('(and 299999 more)');
    // The same text on disk: GET caps it too.
    writeFileSync(file('g'), manyErrors);
    const doc = configDocumentSchema.parse((await getConfig('g')).body);
    expect(doc.errors).toHaveLength(CONFIG_MAX_DIAGNOSTICS);
    expect(doc.truncated?.errors).toBe(300_000 - CONFIG_MAX_DIAGNOSTICS);
    // 300 unknown keys: a save with 300 warnings answers 200 with 200 of them and the count.
    const manyWarnings = `name = "g"\n${Array.from({ length: 300 }, (_, i) => `k${i} = 1\n`).join('')}`;
    const ok = await put('g', manyWarnings, doc.etag);
    expect(ok.status).toBe(200);
    const saved = configSaveResultSchema.parse(ok.body);
    expect(saved.warnings).toHaveLength(CONFIG_MAX_DIAGNOSTICS);
    expect(saved.truncated).toEqual({ errors: 0, warnings: 100 });
    const fine = configDocumentSchema.parse((await getConfig('g')).body);
    expect(fine.truncated).toEqual({ errors: 0, warnings: 100 });
  });

  it('refuses lists nested 200 000 deep with 422 LIST_TOO_DEEP (line/column), not a 500', async () => {
    writeFileSync(file('g'), 'name = "g"\n');
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const deep = 200_000;
    const res = await put('g', `name = "g"\nx = ${'['.repeat(deep)}${']'.repeat(deep)}\n`, etag);
    expect(res.status).toBe(422);
    const errors = apiErrorSchema.parse(res.body).error.details?.errors as {
      code: string;
      line: number;
    }[];
    expect(errors[0]).toMatchObject({ code: 'LIST_TOO_DEEP', line: 2 });
    expect(readFileSync(file('g'), 'utf8')).toBe('name = "g"\n');
  });

  it('saving identical text is a 200 no-op without history', async () => {
    writeFileSync(file('g'), HAND_WRITTEN);
    const mtime = statSync(file('g')).mtimeMs;
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const res = await put('g', HAND_WRITTEN, etag);
    expect(res.status).toBe(200);
    expect(configSaveResultSchema.parse(res.body)).toMatchObject({
      etag,
      written: false,
      versionId: null,
    });
    expect(statSync(file('g')).mtimeMs).toBe(mtime);
    expect((await f.admin.get('/api/v1/configs/g/history')).body).toEqual([]);
  });

  it('accepts a text of nearly 1 MiB (above the default 64 KiB body limit)', async () => {
    writeFileSync(file('g'), 'name = "g"\n');
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const big = `name = "g"\n${'# padding\n'.repeat(90_000)}`;
    const res = await put('g', big, etag);
    expect(res.status).toBe(200);
    expect(readFileSync(file('g'), 'utf8')).toBe(big);
    const tooBig = `name = "g"\n${'# padding\n'.repeat(110_000)}`;
    const res2 = await put('g', tooBig, configSaveResultSchema.parse(res.body).etag);
    expect(res2.status).toBe(422);
    expect(readFileSync(file('g'), 'utf8')).toBe(big);
  });

  it('keeps at most 100 versions per file, dropping the oldest', async () => {
    writeFileSync(file('g'), 'name = "g"\nmemory = 100\n');
    let etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    for (let i = 1; i <= MAX_VERSIONS_PER_FILE + 5; i++) {
      const res = await put('g', `name = "g"\nmemory = ${100 + i}\n`, etag);
      expect(res.status).toBe(200);
      etag = configSaveResultSchema.parse(res.body).etag;
    }
    const hist = (await f.admin.get('/api/v1/configs/g/history')).body as {
      id: number;
      reason: string;
    }[];
    expect(hist).toHaveLength(MAX_VERSIONS_PER_FILE);
    // Newest first; the before-edit and the first five edits are gone.
    expect(hist.every((h) => h.reason === 'edit')).toBe(true);
    const oldest = configVersionSchema.parse(
      (await f.admin.get(`/api/v1/configs/g/history/${hist.at(-1)?.id}`)).body,
    );
    expect(oldest.text).toBe('name = "g"\nmemory = 106\n');
    const ids = hist.map((h) => h.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe('failed writes', () => {
  it('atomicWriteFile: a throwing beforeCommit (the ETag re-check) aborts before the rename', async () => {
    await setup();
    writeFileSync(file('g'), 'name = "g"\n');
    let renamed = false;
    await expect(
      atomicWriteFile(file('g'), Buffer.from('name = "other"\n'), {
        mode: 'replace',
        fileMode: 0o644,
        ops: {
          ...realCommitOps,
          rename: async (a, b) => {
            renamed = true;
            await realCommitOps.rename(a, b);
          },
        },
        beforeCommit: async () => {
          // The temp file is complete and hidden beside the original at this point.
          expect(tempFiles()).toHaveLength(1);
          expect(tempFiles()[0]).toMatch(/^\.g\.cfg\.xendeck-[0-9a-f]{16}$/);
          throw new Error('changed underneath');
        },
      }),
    ).rejects.toThrow('changed underneath');
    expect(renamed).toBe(false);
    expect(readFileSync(file('g'), 'utf8')).toBe('name = "g"\n');
    expect(tempFiles()).toEqual([]);
  });

  it('a failing rename leaves the original intact, no temp file, no edit in history', async () => {
    const ops: CommitOps = {
      ...realCommitOps,
      rename: async () => {
        throw Object.assign(new Error('EIO: simulated'), { code: 'EIO' });
      },
    };
    await setup({ configCommitOps: ops });
    writeFileSync(file('g'), HAND_WRITTEN);
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const res = await put('g', 'name = "g"\nmemory = 4096\n', etag);
    expect(res.status).toBe(500);
    expect(readFileSync(file('g'), 'utf8')).toBe(HAND_WRITTEN);
    expect(tempFiles()).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['g.cfg']);
    const hist = (await f.admin.get('/api/v1/configs/g/history')).body as { reason: string }[];
    expect(hist.map((h) => h.reason)).toEqual(['before-edit']);
    const audit = f.logs.find((l) => l.audit && l.action === 'config.save');
    expect(audit?.result).toBe('INTERNAL');
  });

  it('a failing directory fsync after the rename answers 200 with the edit in history, and logs a warning', async () => {
    const ops: CommitOps = {
      ...realCommitOps,
      syncDir: async () => {
        throw Object.assign(new Error('EIO: simulated fsync'), { code: 'EIO' });
      },
    };
    await setup({ configCommitOps: ops });
    writeFileSync(file('g'), HAND_WRITTEN);
    const etag = configDocumentSchema.parse((await getConfig('g')).body).etag;
    const res = await put('g', 'name = "g"\nmemory = 4096\n', etag);
    expect(res.status).toBe(200);
    expect(readFileSync(file('g'), 'utf8')).toBe('name = "g"\nmemory = 4096\n');
    const hist = (await f.admin.get('/api/v1/configs/g/history')).body as { reason: string }[];
    expect(hist.map((h) => h.reason).sort()).toEqual(['before-edit', 'edit']);
    const warn = f.logs.find((l) => l.level === 40 && String(l.msg).includes('directory fsync'));
    expect(warn?.path).toBe(file('g'));
  });

  it('a failing link on create leaves no file and no temp file', async () => {
    const ops: CommitOps = {
      ...realCommitOps,
      link: async () => {
        throw Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' });
      },
    };
    await setup({ configCommitOps: ops });
    const res = await f.admin
      .post('/api/v1/configs')
      .set('Content-Type', 'application/json')
      .send({ name: 'newguest', model: PV_MODEL });
    expect(res.status).toBe(500);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('history and restore', () => {
  beforeEach(() => setup());

  it('restore puts back the old bytes exactly, with reason restore', async () => {
    writeFileSync(file('web-01'), HAND_WRITTEN);
    let etag = configDocumentSchema.parse((await getConfig('web-01')).body).etag;
    etag = configSaveResultSchema.parse(
      (await put('web-01', 'name = "web-01"\nmemory = 512\n', etag)).body,
    ).etag;
    const hist = (await f.admin.get('/api/v1/configs/web-01/history')).body as {
      id: number;
      reason: string;
    }[];
    const before = hist.find((h) => h.reason === 'before-edit');
    expect(before).toBeDefined();
    const restore = (ifMatch?: string) => {
      const r = f.admin
        .post(`/api/v1/configs/web-01/history/${before?.id}/restore`)
        .set('Content-Type', 'application/json');
      if (ifMatch) r.set('If-Match', ifMatch);
      return r.send();
    };
    expect((await restore()).status).toBe(428);
    expect((await restore('"00000000000000000000000000000000"')).status).toBe(409);
    const res = await restore(etag);
    expect(res.status).toBe(200);
    expect(readFileSync(file('web-01')).equals(Buffer.from(HAND_WRITTEN, 'utf8'))).toBe(true);
    expect(res.body.etag).toBe(configDocumentSchema.parse((await getConfig('web-01')).body).etag);
    const after = (await f.admin.get('/api/v1/configs/web-01/history')).body as {
      id: number;
      reason: string;
    }[];
    expect(after[0]).toMatchObject({ id: res.body.versionId, reason: 'restore' });
    expect(f.logs.some((l) => l.audit && l.action === 'config.restore' && l.result === 'ok')).toBe(
      true,
    );
  });

  it("answers 404 VERSION_NOT_FOUND for an unknown or another file's version, 422 for a bad id", async () => {
    writeFileSync(file('a'), 'name = "a"\n');
    const etag = configDocumentSchema.parse((await getConfig('a')).body).etag;
    await put('a', 'name = "a"\nmemory = 512\n', etag);
    const id = ((await f.admin.get('/api/v1/configs/a/history')).body as { id: number }[])[0]?.id;
    expect((await f.admin.get(`/api/v1/configs/a/history/${id}`)).status).toBe(200);
    const other = await f.admin.get(`/api/v1/configs/b/history/${id}`);
    expect(other.status).toBe(404);
    expect(apiErrorSchema.parse(other.body).error.code).toBe('VERSION_NOT_FOUND');
    expect((await f.admin.get('/api/v1/configs/a/history/0')).status).toBe(422);
    expect((await f.admin.get('/api/v1/configs/a/history/1e3')).status).toBe(422);
  });
});

const PV_MODEL = {
  type: 'pv',
  memoryMiB: 512,
  maxmemMiB: 1024,
  vcpus: 2,
  kernel: '/var/lib/xen/images/vmlinuz',
  extra: 'console=hvc0 root=/dev/xvda1',
  disk: ['phy:/dev/vg0/newguest,xvda,w'],
  vif: ['bridge=xenbr0,mac=00:16:3e:12:34:56'],
  onCrash: 'destroy',
};

describe('POST /configs', () => {
  beforeEach(() => setup());

  const create = (body: object) =>
    f.admin.post('/api/v1/configs').set('Content-Type', 'application/json').send(body);

  it('creates the file (201, mode 0644, parses back), then refuses a second time with 409', async () => {
    const res = await create({ name: 'newguest', model: PV_MODEL });
    expect(res.status).toBe(201);
    const out = createConfigResultSchema.parse(res.body);
    expect(out).toMatchObject({ name: 'newguest', path: file('newguest') });
    const text = readFileSync(file('newguest'), 'utf8');
    expect(statSync(file('newguest')).mode & 0o777).toBe(0o644);
    const r = toDomainConfig(parseXlConfig(text));
    expect(r.errors).toEqual([]);
    expect(r.config).toMatchObject({
      name: 'newguest',
      type: 'pv',
      memoryMiB: 512,
      maxmemMiB: 1024,
      vcpus: 2,
      onCrash: 'destroy',
    });
    expect(r.config.disk?.[0]).toMatchObject({ target: '/dev/vg0/newguest', vdev: 'xvda' });
    expect(r.config.vif?.[0]).toMatchObject({ bridge: 'xenbr0', mac: '00:16:3e:12:34:56' });
    const doc = configDocumentSchema.parse((await getConfig('newguest')).body);
    expect(doc.etag).toBe(out.etag);
    const hist = (await f.admin.get('/api/v1/configs/newguest/history')).body as {
      reason: string;
    }[];
    expect(hist.map((h) => h.reason)).toEqual(['create']);

    const again = await create({ name: 'newguest', model: { ...PV_MODEL, memoryMiB: 256 } });
    expect(again.status).toBe(409);
    expect(apiErrorSchema.parse(again.body).error.code).toBe('CONFIG_EXISTS');
    expect(readFileSync(file('newguest'), 'utf8')).toBe(text);
  });

  it('never overwrites, not even through a symlink at the name', async () => {
    writeFileSync(join(f.stateDir, 'target.txt'), 'keep me\n');
    symlinkSync(join(f.stateDir, 'target.txt'), file('linked'));
    const res = await create({ name: 'linked', model: PV_MODEL });
    expect(res.status).toBe(409);
    expect(readFileSync(join(f.stateDir, 'target.txt'), 'utf8')).toBe('keep me\n');
  });

  it('creates an HVM guest with VNC, serial and boot order', async () => {
    const res = await create({
      name: 'win',
      model: {
        type: 'hvm',
        memoryMiB: 2048,
        vcpus: 2,
        disk: ['file:/var/lib/xen/images/win.iso,hdc:cdrom,r', 'phy:/dev/vg0/win,hda,w'],
        vif: ['bridge=xenbr0,model=e1000'],
        vnc: true,
        vnclisten: '127.0.0.1',
        serial: 'pty',
        boot: 'dc',
      },
    });
    expect(res.status).toBe(201);
    const c = toDomainConfig(parseXlConfig(readFileSync(file('win'), 'utf8'))).config;
    expect(c).toMatchObject({ type: 'hvm', vnc: true, serial: ['pty'], boot: 'dc' });
    expect(c.disk?.[0]).toMatchObject({ devtype: 'cdrom', vdev: 'hdc' });
  });

  it('refuses a bad disk spec with 422 naming its index and the parser message', async () => {
    const res = await create({
      name: 'bad',
      model: { ...PV_MODEL, disk: ['phy:/dev/vg0/ok,xvda,w', 'phy:/dev/vg0/x,xvdb,w,bogus=1'] },
    });
    expect(res.status).toBe(422);
    const err = apiErrorSchema.parse(res.body).error;
    expect(err.code).toBe('INVALID_INPUT');
    const issues = err.details?.issues as { path: string; message: string }[];
    expect(issues[0]?.path).toBe('model.disk.1');
    expect(issues[0]?.message).toContain('bogus');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a bad vif spec, a bad model and bad names with 422, writing nothing', async () => {
    const vif = await create({
      name: 'bad',
      model: { ...PV_MODEL, vif: ['bridge=xenbr0,colour=red'] },
    });
    expect(vif.status).toBe(422);
    expect((vif.body.error.details.issues as { path: string }[])[0]?.path).toBe('model.vif.0');
    const mem = await create({ name: 'bad', model: { ...PV_MODEL, maxmemMiB: 128 } });
    expect(mem.status).toBe(422);
    expect(mem.body.error.message).toContain('maxmemMiB');
    for (const name of ['../x', 'a/b', '.x', '']) {
      const res = await create({ name, model: PV_MODEL });
      expect(res.status, name).toBe(422);
      expect(res.body.error.details.issues[0].path).toBe('name');
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(f.stateDir)).not.toContain('x.cfg');
  });
});

describe('route table', () => {
  beforeEach(() => setup());

  it('has every config route as admin-only (the 401 sweep in auth.test.ts covers them)', () => {
    const table = f.routes.map((r) => `${r.method} ${r.path} ${r.access}`);
    for (const r of [
      'get /configs/:name',
      'put /configs/:name',
      'post /configs',
      'get /configs/:name/history',
      'get /configs/:name/history/:id',
      'post /configs/:name/history/:id/restore',
    ]) {
      expect(table).toContain(`${r} admin`);
    }
  });

  it('answers 401 to every config route without a session, and 401 before parsing the body', async () => {
    writeFileSync(file('g'), 'name = "g"\n');
    for (const [method, path] of [
      ['get', '/api/v1/configs/g'],
      ['put', '/api/v1/configs/g'],
      ['post', '/api/v1/configs'],
      ['get', '/api/v1/configs/g/history'],
      ['get', '/api/v1/configs/g/history/1'],
      ['post', '/api/v1/configs/g/history/1/restore'],
    ] as const) {
      const res = await request(f.app)
        [method](path)
        .set('Content-Type', 'application/json')
        .set('If-Match', '"x"')
        .send(method === 'get' ? undefined : '{"text": broken json');
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    expect(readFileSync(file('g'), 'utf8')).toBe('name = "g"\n');
  });
});

describe('seeded simulated config dir', () => {
  it("holds hosters' files: comments, commented-out settings, and no errors", () => {
    for (const [name, text] of Object.entries(SIM_CONFIGS)) {
      const r = toDomainConfig(parseXlConfig(text));
      expect(r.errors, name).toEqual([]);
      expect(text.split('\n').filter((l) => /^\s*#/.test(l)).length, name).toBeGreaterThanOrEqual(
        4,
      );
      expect(text, name).toMatch(/^#\s*[a-z_]+\s*=/m);
    }
  });
});
