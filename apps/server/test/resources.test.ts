/**
 * Live resources of a running domain on the simulated host: memory (one code path for dom0 and
 * domUs), vCPUs online, pinning, credit2 — each audited with its xl twin, and written to
 * <configDir>/<name>.cfg only with persist (losslessly, with history, If-Match honoured).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiErrorSchema,
  domainMemorySchema,
  domainSchedSchema,
  domainVcpusSchema,
  liveChangeResultSchema,
} from '@xendeck/api';
import type request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { affinityConfigValue } from '../src/domains/vcpus.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
let cfgPath: string;
const CFG = `# lc test guest
name = "lc1"
type = "pvh"
memory = 256   # boot memory
maxmem = 512
vcpus = 1
maxvcpus = 4
`;
const json = { 'Content-Type': 'application/json' };
const put = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  f.admin
    .put(`/api/v1/domains/${path}`)
    .set({ ...json, ...headers })
    .send(body as object);
const get = (path: string) => f.admin.get(`/api/v1/domains/${path}`);
const file = () => readFileSync(cfgPath, 'utf8');

function expectError(res: request.Response, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  const body = apiErrorSchema.parse(res.body);
  expect(body.error.code).toBe(code);
  return body.error;
}
const audits = (action: string) => f.logs.filter((l) => l.audit && l.action === action);

beforeEach(async () => {
  f = await makeFixture();
  cfgPath = join(f.config.configDir, 'lc1.cfg');
  writeFileSync(cfgPath, CFG);
  const started = await f.admin.post('/api/v1/domains/lc1/start').set(json).send({});
  expect(started.status, started.text).toBe(201);
});
afterEach(async () => {
  await f.cleanup();
});

describe('memory: one code path', () => {
  it('GET gives the limits; PUT sets the target, answers the xl twin, leaves the file alone', async () => {
    const limits = domainMemorySchema.parse((await get('lc1/memory').expect(200)).body);
    expect(limits).toMatchObject({
      name: 'lc1',
      currentMiB: 256,
      minMiB: 32,
      maxMiB: 512,
      targetMiB: 256,
    });
    const res = await put('lc1/memory', { targetMiB: 384 });
    expect(res.status, res.text).toBe(200);
    expect(liveChangeResultSchema.parse(res.body)).toMatchObject({
      command: 'xl mem-set lc1 384m',
      persisted: null,
    });
    const domid = (await f.sim.domidByName('lc1')) as number;
    await expect.poll(async () => (await f.sim.domainInfo(domid)).memoryKiB).toBe(384 * 1024);
    expect(file()).toBe(CFG);
    expect(domainMemorySchema.parse((await get('lc1/memory')).body).targetMiB).toBe(384);
    expect(audits('domain.memory').at(-1)).toMatchObject({
      result: 'ok',
      targetMiB: 384,
      command: 'xl mem-set lc1 384m',
    });
  });

  it('refuses beyond maxmem with MiB figures from the backend, for a domU and dom0 alike', async () => {
    const err = expectError(
      await put('lc1/memory', { targetMiB: 513 }),
      422,
      'MEMORY_OUT_OF_RANGE',
    );
    expect(err.details).toEqual({ requestedMiB: 513, minMiB: 32, maxMiB: 512 });
    expect(err.message).toBe("targetMiB 513 is outside lc1's limits: 32–512 MiB");
    // dom0 through either URL: same module, same answer, audited as dom0.memory.
    const viaDomains = expectError(
      await put('Domain-0/memory', { targetMiB: 511 }),
      422,
      'MEMORY_OUT_OF_RANGE',
    );
    const viaHost = expectError(
      await f.admin.put('/api/v1/host/dom0/memory').set(json).send({ targetMiB: 511 }),
      422,
      'MEMORY_OUT_OF_RANGE',
    );
    expect(viaDomains).toEqual(viaHost);
    expect(audits('dom0.memory').map((a) => a.command)).toEqual([
      'xl mem-set Domain-0 511m',
      'xl mem-set Domain-0 511m',
    ]);
    expect(file()).toBe(CFG);
  });

  it('persist writes memory = <MiB> in place, keeping the comment, with history', async () => {
    const res = await put('lc1/memory', { targetMiB: 320, persist: true });
    expect(res.status, res.text).toBe(200);
    const body = liveChangeResultSchema.parse(res.body);
    expect(body.persisted).toMatchObject({
      path: cfgPath,
      written: true,
      changes: [{ key: 'memory', before: '256', after: '320' }],
    });
    expect(file()).toBe(
      CFG.replace('memory = 256   # boot memory', 'memory = 320   # boot memory'),
    );
    const history = (await f.admin.get('/api/v1/configs/lc1/history').expect(200)).body as {
      reason: string;
    }[];
    expect(history.map((h) => h.reason)).toEqual(['edit', 'before-edit']);
  });

  it('persist is refused for dom0 (no config file) before anything changes', async () => {
    const err = expectError(
      await put('Domain-0/memory', { targetMiB: 1024, persist: true }),
      422,
      'INVALID_INPUT',
    );
    expect(err.details?.issues).toEqual([expect.objectContaining({ path: 'persist' })]);
    expect((await f.sim.dom0Memory()).targetKiB).toBe(1536 * 1024);
  });

  it('persist without a config file changes nothing (404 first)', async () => {
    writeFileSync(cfgPath, CFG); // exists; now remove it
    const { rmSync } = await import('node:fs');
    rmSync(cfgPath);
    expectError(
      await put('lc1/memory', { targetMiB: 300, persist: true }),
      404,
      'CONFIG_NOT_FOUND',
    );
    const domid = (await f.sim.domidByName('lc1')) as number;
    expect((await f.sim.domainInfo(domid)).memoryKiB).toBe(256 * 1024);
  });

  it('a stale If-Match refuses the write and says the domain was changed anyway', async () => {
    const err = expectError(
      await put(
        'lc1/memory',
        { targetMiB: 300, persist: true },
        { 'If-Match': `"${'0'.repeat(32)}"` },
      ),
      409,
      'CONFIG_CHANGED',
    );
    expect(err.details).toMatchObject({ applied: true, path: cfgPath });
    expect(err.message).toMatch(/running domain was changed \(xl mem-set lc1 300m\)/);
    expect(file()).toBe(CFG);
  });
});

describe('vCPUs', () => {
  it('GET lists the vCPUs like xl vcpu-list, with maxVcpus and the host CPUs', async () => {
    const body = domainVcpusSchema.parse((await get('lc1/vcpus').expect(200)).body);
    expect(body).toMatchObject({ name: 'lc1', online: 1, maxVcpus: 4, hostCpus: 8 });
    expect(body.vcpus.map((v) => [v.vcpu, v.online, v.hardAffinity])).toEqual([
      [0, true, 'all'],
      [1, false, 'all'],
      [2, false, 'all'],
      [3, false, 'all'],
    ]);
  });

  it('PUT sets the count online (xl vcpu-set), persist writes vcpus =', async () => {
    const res = await put('lc1/vcpus', { count: 3 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ command: 'xl vcpu-set lc1 3', persisted: null });
    expect(domainVcpusSchema.parse((await get('lc1/vcpus')).body).online).toBe(3);
    expect(file()).toBe(CFG);
    const p = await put('lc1/vcpus', { count: 2, persist: true });
    expect(p.body.persisted.changes).toEqual([{ key: 'vcpus', before: '1', after: '2' }]);
    expect(file()).toContain('\nvcpus = 2\nmaxvcpus = 4\n');
    expect(audits('domain.vcpu-set').map((a) => [a.command, a.result])).toEqual([
      ['xl vcpu-set lc1 3', 'ok'],
      ['xl vcpu-set lc1 2', 'ok'],
    ]);
  });

  it('refuses a count beyond maxvcpus or not a number with 422 naming count', async () => {
    for (const count of [5, 0, 'two']) {
      const err = expectError(await put('lc1/vcpus', { count }), 422, 'INVALID_INPUT');
      expect(err.details?.issues).toEqual([expect.objectContaining({ path: 'count' })]);
    }
    expect(domainVcpusSchema.parse((await get('lc1/vcpus')).body).online).toBe(1);
  });

  it('pins one vCPU (xl vcpu-pin) and persist writes the per-vCPU cpus list', async () => {
    await put('lc1/vcpus', { count: 2 }).expect(200);
    const res = await put('lc1/vcpus/pin', { vcpu: 1, hard: '3,2', persist: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.command).toBe('xl vcpu-pin lc1 1 2-3');
    const list = domainVcpusSchema.parse((await get('lc1/vcpus')).body).vcpus;
    expect(list.map((v) => v.hardAffinity)).toEqual(['all', '2-3', 'all', 'all']);
    expect(res.body.persisted.changes).toEqual([
      { key: 'cpus', before: null, after: "[ 'all', '2-3', 'all', 'all' ]" },
    ]);
    expect(file()).toContain("\ncpus = [ 'all', '2-3', 'all', 'all' ]\n");
  });

  it('pins all vCPUs with a soft affinity: one cpus string and cpus_soft', async () => {
    const res = await put('lc1/vcpus/pin', { vcpu: 'all', hard: '0-3', soft: '1', persist: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.command).toBe('xl vcpu-pin lc1 all 0-3 1');
    expect(file()).toBe(`${CFG}cpus = '0-3'\ncpus_soft = '1'\n`);
    const list = domainVcpusSchema.parse((await get('lc1/vcpus')).body).vcpus;
    expect(list.every((v) => v.hardAffinity === '0-3' && v.softAffinity === '1')).toBe(true);
  });

  it('refuses a bad cpumap or vCPU with 422 naming the field, nothing pinned', async () => {
    const hard = expectError(
      await put('lc1/vcpus/pin', { vcpu: 0, hard: '8' }),
      422,
      'INVALID_INPUT',
    );
    expect(hard.details?.issues).toEqual([expect.objectContaining({ path: 'hard' })]);
    expect(hard.message).toMatch(/hard: "8": the host has CPUs 0-7/);
    const soft = expectError(
      await put('lc1/vcpus/pin', { vcpu: 0, hard: 'all', soft: 'x' }),
      422,
      'INVALID_INPUT',
    );
    expect(soft.details?.issues).toEqual([expect.objectContaining({ path: 'soft' })]);
    const vcpu = expectError(
      await put('lc1/vcpus/pin', { vcpu: 4, hard: '0' }),
      422,
      'INVALID_INPUT',
    );
    expect(vcpu.details?.issues).toEqual([expect.objectContaining({ path: 'vcpu' })]);
    const list = domainVcpusSchema.parse((await get('lc1/vcpus')).body).vcpus;
    expect(list.every((v) => v.hardAffinity === 'all')).toBe(true);
  });

  it('affinityConfigValue: one string when every vCPU agrees, else the per-vCPU list', () => {
    expect(affinityConfigValue(['0-1', '0-1'])).toBe('0-1');
    expect(affinityConfigValue(['0', '1'])).toEqual(['0', '1']);
  });
});

describe('credit2 sched', () => {
  it('GET shows weight and cap; PUT sets them (xl sched-credit2), persist writes cpu_weight and cap', async () => {
    expect(domainSchedSchema.parse((await get('lc1/sched').expect(200)).body)).toEqual({
      name: 'lc1',
      domid: expect.any(Number),
      scheduler: 'credit2',
      weight: 256,
      cap: 0,
      maxCap: 400,
    });
    const res = await put('lc1/sched', { weight: 512 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ command: 'xl sched-credit2 -d lc1 -w 512', persisted: null });
    expect((await get('lc1/sched')).body).toMatchObject({ weight: 512, cap: 0 });
    expect(file()).toBe(CFG);
    const p = await put('lc1/sched', { weight: 128, cap: 50, persist: true });
    expect(p.body.command).toBe('xl sched-credit2 -d lc1 -w 128 -c 50');
    expect(p.body.persisted.changes).toEqual([
      { key: 'cpu_weight', before: null, after: '128' },
      { key: 'cap', before: null, after: '50' },
    ]);
    expect(file()).toBe(`${CFG}cpu_weight = 128\ncap = 50\n`);
    expect(audits('domain.sched-credit2').at(-1)).toMatchObject({ weight: 128, cap: 50 });
  });

  it('refuses an empty body, a weight out of range and a cap above 100 × vCPUs, naming the field', async () => {
    const empty = expectError(await put('lc1/sched', {}), 422, 'INVALID_INPUT');
    expect(empty.details?.issues).toEqual([expect.objectContaining({ path: 'weight' })]);
    const w = expectError(await put('lc1/sched', { weight: 0 }), 422, 'INVALID_INPUT');
    expect(w.details?.issues).toEqual([expect.objectContaining({ path: 'weight' })]);
    const cap = expectError(await put('lc1/sched', { cap: 401 }), 422, 'INVALID_INPUT');
    expect(cap.details?.issues).toEqual([expect.objectContaining({ path: 'cap' })]);
    expect((await get('lc1/sched')).body).toMatchObject({ weight: 256, cap: 0 });
  });
});

describe('access', () => {
  it('every resource route needs a session', async () => {
    const { default: supertest } = await import('supertest');
    const anon = supertest(f.app);
    for (const [m, p] of [
      ['get', 'vcpus'],
      ['put', 'vcpus'],
      ['put', 'vcpus/pin'],
      ['get', 'sched'],
      ['put', 'sched'],
      ['get', 'memory'],
      ['put', 'memory'],
    ] as const) {
      const res = await anon[m](`/api/v1/domains/lc1/${p}`).set(json).send({});
      expect(res.status, `${m} ${p}`).toBe(401);
    }
  });
});
