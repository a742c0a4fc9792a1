/**
 * The audit log (`src/audit.ts`, `GET /api/v1/audit`): the store (filters, keyset pages,
 * retention), the one mechanism (rows written from each route's `audit` declaration with the
 * user, address, result code and the handler's notes), customers seeing only their domains'
 * rows, and that every mutating route of the app declares what it records.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditPage } from '@xendeck/api';
import pino from 'pino';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_DETAILS_MAX_CHARS, AuditLog } from '../src/audit.js';
import { Users } from '../src/auth/users.js';
import { type Db, openDatabase } from '../src/db.js';
import { type Fixture, login, makeFixture } from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('AuditLog store', () => {
  let dir: string;
  let db: Db;
  let clock: number;
  let log: AuditLog;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'xendeck-audit-'));
    db = openDatabase(dir);
    clock = Date.UTC(2026, 10, 30, 12);
    log = new AuditLog(db, pino({ level: 'silent' }), { now: () => clock, maxRows: 50 });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (over: Partial<Parameters<AuditLog['append']>[0]> = {}) =>
    log.append({
      user: 'admin',
      remoteAddr: '192.0.2.7',
      action: 'domain.destroy',
      target: 'domain:web1',
      domain: 'web1',
      result: 'ok',
      command: 'xl destroy web1',
      ...over,
    });

  it('stores the named fields in columns and the rest as details, and reads them back', () => {
    const id = add({ domid: 7, taskId: 'abc' });
    const page = log.query({ limit: 10, visible: 'all' });
    expect(page).toEqual({
      entries: [
        {
          id,
          at: clock,
          user: 'admin',
          remoteAddr: '192.0.2.7',
          action: 'domain.destroy',
          target: 'domain:web1',
          domain: 'web1',
          result: 'ok',
          command: 'xl destroy web1',
          details: { domid: 7, taskId: 'abc' },
        },
      ],
      nextBefore: null,
    });
  });

  it('filters by user, domain, action prefix, result, text and time, and combines them', () => {
    add();
    clock += 1000;
    add({ user: 'bob', action: 'domain.start', command: 'xl create /etc/xen/web1.cfg' });
    clock += 1000;
    add({ domain: 'db1', target: 'domain:db1', result: 'INVALID_STATE', command: 'xl pause db1' });
    clock += 1000;
    add({
      action: 'volume.create',
      domain: undefined,
      target: 'volume:vg0/x_y',
      command: 'lvcreate',
    });
    const actions = (f: Partial<Parameters<AuditLog['query']>[0]>) =>
      log.query({ limit: 10, visible: 'all', ...f }).entries.map((e) => e.action);

    expect(actions({ user: 'bob' })).toEqual(['domain.start']);
    expect(actions({ domain: 'db1' })).toEqual(['domain.destroy']);
    expect(actions({ action: 'domain.' })).toEqual([
      'domain.destroy',
      'domain.start',
      'domain.destroy',
    ]);
    expect(actions({ action: 'volume' })).toEqual(['volume.create']);
    expect(actions({ result: 'failed' })).toEqual(['domain.destroy']);
    expect(actions({ result: 'ok' })).toHaveLength(3);
    expect(actions({ q: 'CREATE /etc' })).toEqual(['domain.start']);
    // `_` and `%` are literal in q (x_y matches, x%y would not).
    expect(actions({ q: 'x_y' })).toEqual(['volume.create']);
    expect(actions({ q: 'x%' })).toEqual([]);
    const t0 = Date.UTC(2026, 10, 30, 12);
    expect(actions({ since: t0 + 1000, until: t0 + 3000 })).toEqual([
      'domain.destroy',
      'domain.start',
    ]);
    expect(actions({ user: 'admin', result: 'ok', action: 'domain' })).toEqual(['domain.destroy']);
  });

  it('pages newest first with `before` = the last id of the previous page', () => {
    const ids = Array.from({ length: 7 }, (_, i) => add({ target: `domain:w${i}` }));
    const first = log.query({ limit: 3, visible: 'all' });
    expect(first.entries.map((e) => e.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(first.nextBefore).toBe(ids[4]);
    const second = log.query({ limit: 3, visible: 'all', before: first.nextBefore as number });
    expect(second.entries.map((e) => e.id)).toEqual([ids[3], ids[2], ids[1]]);
    const last = log.query({ limit: 3, visible: 'all', before: second.nextBefore as number });
    expect(last.entries.map((e) => e.id)).toEqual([ids[0]]);
    expect(last.nextBefore).toBeNull();
  });

  it('shows a restricted asker only the rows of their domains (never rows without a domain)', () => {
    add({ domain: 'web1' });
    add({ domain: 'db1' });
    add({ domain: undefined, action: 'session.login' });
    const seen = (visible: ReadonlySet<string>) =>
      log.query({ limit: 10, visible }).entries.map((e) => e.domain);
    expect(seen(new Set(['web1']))).toEqual(['web1']);
    expect(seen(new Set())).toEqual([]);
    expect(seen(new Set(['web1', 'db1']))).toEqual(['db1', 'web1']);
  });

  it('prunes rows past the retention and past the row cap, oldest first', () => {
    add({ target: 'domain:old' });
    clock += 401 * DAY_MS;
    for (let i = 0; i < 55; i++) add({ target: `domain:n${i}` });
    expect(log.prune()).toBe(1 + 5);
    const left = log.query({ limit: 500, visible: 'all' }).entries;
    expect(left).toHaveLength(50);
    expect(left.at(-1)?.target).toBe('domain:n5');
    expect(left[0]?.target).toBe('domain:n54');
  });

  it('cuts oversized details and long fields; record() honours logOnly', () => {
    add({ blob: 'x'.repeat(AUDIT_DETAILS_MAX_CHARS), command: 'c'.repeat(5000) });
    log.record({
      user: 'a',
      remoteAddr: undefined,
      action: 'ws.open',
      result: 'ok',
      logOnly: true,
    });
    const [e] = log.query({ limit: 10, visible: 'all' }).entries;
    expect(log.query({ limit: 10, visible: 'all' }).entries).toHaveLength(1);
    expect(e?.details).toEqual({ truncated: true });
    expect(e?.command).toHaveLength(2048);
    expect(e?.command?.endsWith('…')).toBe(true);
  });
});

describe('the audit mechanism and GET /api/v1/audit', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  const post = (path: string, body: unknown = {}) =>
    f.admin
      .post(path)
      .set('Content-Type', 'application/json')
      .send(body as object);
  const audit = async (
    query = '',
    agent: request.Agent | request.SuperTest<request.Test> = f.admin,
  ) => ((await agent.get(`/api/v1/audit${query}`).expect(200)).body as AuditPage).entries;

  it('records a change with its user, address, xl command and result ok', async () => {
    await post('/api/v1/domains/web-01/pause').expect(204);
    const [row] = await audit('?action=domain.pause');
    expect(row).toMatchObject({
      user: 'admin',
      action: 'domain.pause',
      target: 'domain:web-01',
      domain: 'web-01',
      result: 'ok',
      command: 'xl pause web-01',
    });
    expect(row?.remoteAddr).toMatch(/127\.0\.0\.1/);
  });

  it('records a refused change with the error code the client got', async () => {
    await post('/api/v1/domains/web-01/pause').expect(204);
    const res = await post('/api/v1/domains/web-01/pause');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INVALID_STATE');
    await post('/api/v1/domains/no-such/destroy').expect(404);
    const rows = await audit('?result=failed');
    expect(rows.map((r) => [r.action, r.domain, r.result])).toEqual([
      ['domain.destroy', 'no-such', 'DOMAIN_NOT_FOUND'],
      ['domain.pause', 'web-01', 'INVALID_STATE'],
    ]);
    // A bad body is a failed attempt too (INVALID_INPUT), recorded once.
    await f.admin
      .put('/api/v1/domains/web-01/memory')
      .set('Content-Type', 'application/json')
      .send({ targetMiB: 'lots' })
      .expect(422);
    expect((await audit('?action=domain.memory')).map((r) => r.result)).toEqual(['INVALID_INPUT']);
  });

  it('links a task: 202 answers record the start with details.taskId', async () => {
    const res = await post('/api/v1/storage/volume-groups/vg0/volumes', {
      name: 'au-test',
      sizeBytes: 4 * 1024 * 1024,
    }).expect(202);
    const [row] = await audit('?action=volume.create');
    expect(row).toMatchObject({
      result: 'ok',
      target: 'volume:vg0/au-test',
      command: 'lvcreate -L 4194304b -n au-test vg0',
      details: { taskId: res.body.task.id },
    });
  });

  it('records logins (failed ones with the name tried) and logouts, admins only', async () => {
    await request(f.app)
      .post('/api/v1/session')
      .set('Content-Type', 'application/json')
      .send({ username: 'mallory', password: 'guess' })
      .expect(401);
    const cookie = await login(f, 'admin', 'correct horse battery staple');
    await request(f.app)
      .delete('/api/v1/session')
      .set('Cookie', cookie)
      .set('Content-Type', 'application/json')
      .expect(204);
    const rows = await audit('?action=session.');
    expect(rows.map((r) => [r.action, r.user, r.result])).toEqual([
      ['session.logout', 'admin', 'ok'],
      ['session.login', 'admin', 'ok'],
      ['session.login', 'mallory', 'UNAUTHENTICATED'],
      ['session.login', 'admin', 'ok'], // the fixture's own login
    ]);
  });

  it('shows a customer only the rows of the domains granted to them, whoever acted', async () => {
    const carol = await new Users(f.db).create('carol', 'customer-password', 'customer');
    f.context.grants.replace(carol.id, [{ domain: 'web-01', permissions: ['view', 'power'] }]);
    await post('/api/v1/domains/web-01/pause').expect(204);
    await post('/api/v1/domains/db-01/pause').expect(204);
    const cookie = await login(f, 'carol', 'customer-password');
    const agent = request.agent(f.app).set('Cookie', cookie);
    await agent
      .post('/api/v1/domains/web-01/unpause')
      .set('Content-Type', 'application/json')
      .send({})
      .expect(204);
    const rows = await audit('', agent);
    expect(rows.map((r) => [r.user, r.action, r.domain])).toEqual([
      ['carol', 'domain.unpause', 'web-01'],
      ['admin', 'domain.pause', 'web-01'],
    ]);
    // Their own address is shown to them, the hoster's is not.
    expect(rows[0]?.remoteAddr).toMatch(/127\.0\.0\.1/);
    expect(rows[1]?.remoteAddr).toBeNull();
    // Asking for another domain by name gives nothing, not an error that would confirm it exists.
    expect(await audit('?domain=db-01', agent)).toEqual([]);
    // The admin sees everything, carol's action included.
    expect((await audit('?user=carol')).map((r) => r.action)).toEqual([
      'domain.unpause',
      'session.login',
    ]);
  });

  it('validates the query: 422 for a bad limit or result, empty parameters ignored', async () => {
    const bad = await f.admin.get('/api/v1/audit?limit=501');
    expect(bad.status).toBe(422);
    expect((await f.admin.get('/api/v1/audit?result=maybe')).status).toBe(422);
    await f.admin.get('/api/v1/audit?user=&domain=&limit=5').expect(200);
    await request(f.app).get('/api/v1/audit').expect(401);
  });

  it('every post/put/delete route declares its audit (only the public login steps audit by hand)', () => {
    const mutating = f.routes.filter((r) => r.method !== 'get');
    expect(mutating.length).toBeGreaterThan(40);
    const undeclared = mutating
      .filter((r) => r.audit === undefined && r.access !== 'public')
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undeclared).toEqual([]);
    // The public ones are the login steps, which record every attempt themselves.
    const login = mutating.filter((r) => r.access === 'public').map((r) => r.path);
    expect(login).toContain('/session');
    expect(login.every((p) => p.startsWith('/session'))).toBe(true);
    // and no read is declared a change
    expect(f.routes.filter((r) => r.method === 'get' && r.audit)).toEqual([]);
  });
});
