/**
 * `@xendeck/api`'s domain rules as the hypervisor sees them: the table is the one in this
 * package's README (parsed here, so the docs cannot drift), it covers every state and operation of
 * the API's schemas, and the argument checks answer with the codes and details both backends throw.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALLOWED_STATES,
  checkDomainName,
  checkDomainOperation,
  checkDomainState,
  checkDomid,
  checkMemoryChange,
  checkMemoryTargetMiB,
  DOM0_REFUSED,
  DOMAIN_OPERATIONS,
  DOMAIN_STATES,
  DOMID_FIRST_RESERVED,
  domainOperationSchema,
  domainStateSchema,
  STATE_RULED_ACTIONS,
} from '@xendeck/api';
import { describe, expect, it } from 'vitest';

describe('domain rules: the state table', () => {
  it('covers exactly the API schemas’ states and operations', () => {
    expect([...DOMAIN_STATES]).toEqual(domainStateSchema.options);
    expect([...DOMAIN_OPERATIONS].sort()).toEqual([...domainOperationSchema.options].sort());
  });

  it('is the table in README.md, cell by cell', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const block = /<!-- domain-rules:table[^>]*-->\n([\s\S]*?)<!-- \/domain-rules:table -->/.exec(
      readme,
    )?.[1];
    expect(block, 'README.md has the domain-rules table').toBeDefined();
    const rows = (block ?? '')
      .trim()
      .split('\n')
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    const [header, , ...body] = rows;
    expect(header?.slice(1)).toEqual([...DOMAIN_STATES, 'dom0']);
    const documented = body.map((cells) => /^`([a-z]+)`/.exec(cells[0] ?? '')?.[1]);
    expect(documented).toEqual([...STATE_RULED_ACTIONS]);
    for (const cells of body) {
      const action = /^`([a-z]+)`/.exec(
        cells[0] ?? '',
      )?.[1] as (typeof STATE_RULED_ACTIONS)[number];
      DOMAIN_STATES.forEach((state, i) => {
        const allowed = ALLOWED_STATES[action].includes(state);
        expect(cells[i + 1], `${action} in ${state}`).toBe(allowed ? '✓' : '—');
      });
      expect(cells[DOMAIN_STATES.length + 1], `${action} on dom0`).toBe(
        DOM0_REFUSED.has(action) ? 'refused' : '✓',
      );
    }
  });

  it('a crashed domain takes only destroy (the server used to accept shutdown and reboot)', () => {
    for (const op of DOMAIN_OPERATIONS) {
      expect(checkDomainState(op, 5, 'crashed').ok, op).toBe(op === 'destroy');
    }
    expect(checkDomainState('shutdown', 5, 'crashed')).toEqual({
      ok: false,
      code: 'INVALID_STATE',
      message: 'cannot shutdown domid 5: it has crashed: only destroy clears it',
      details: { domid: 5, op: 'shutdown', state: 'crashed' },
    });
  });

  it('dom0: no lifecycle operation and no save, whatever its state; vCPU and memory changes are fine', () => {
    for (const op of [...DOMAIN_OPERATIONS, 'save'] as const) {
      expect(checkDomainState(op, 0, 'running')).toMatchObject({
        ok: false,
        code: 'INVALID_STATE',
        details: { domid: 0, op },
      });
    }
    expect(checkDomainState('vcpus', 0, 'running').ok).toBe(true);
    expect(checkDomainState('memory', 0, 'blocked').ok).toBe(true);
  });
});

describe('domain rules: argument checks', () => {
  it('domid: 0..DOMID_FIRST_RESERVED-1, integers', () => {
    expect(checkDomid(0).ok).toBe(true);
    expect(checkDomid(DOMID_FIRST_RESERVED - 1).ok).toBe(true);
    for (const bad of [-1, 1.5, Number.NaN, DOMID_FIRST_RESERVED, '3']) {
      expect(checkDomid(bad)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    }
  });

  it('operation and name', () => {
    expect(checkDomainOperation('hibernate')).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { op: 'hibernate' },
    });
    expect(checkDomainName('web1').ok).toBe(true);
    for (const bad of ['', 'a\0b', 'x'.repeat(257), 7]) {
      expect(checkDomainName(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('memory target: 0 and negatives are out of range (MEMORY_OUT_OF_RANGE), non-integers INVALID_ARGUMENT; range before state', () => {
    const limits = { minKiB: 32768, maxKiB: 262144 };
    for (const t of [0, -1024, 32767, 262145]) {
      expect(checkMemoryChange(3, 'running', t, limits)).toMatchObject({
        ok: false,
        code: 'MEMORY_OUT_OF_RANGE',
        details: { minKiB: 32768, maxKiB: 262144, requestedKiB: t, domid: 3 },
      });
    }
    expect(checkMemoryChange(3, 'running', 1.5, limits)).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(checkMemoryChange(3, 'running', 65536, limits).ok).toBe(true);
    expect(checkMemoryChange(3, 'paused', 65536, limits).ok).toBe(true);
    expect(checkMemoryChange(3, 'crashed', 65536, limits)).toMatchObject({
      code: 'INVALID_STATE',
      details: { op: 'memory', state: 'crashed' },
    });
    expect(checkMemoryChange(3, 'crashed', 0, limits)).toMatchObject({
      code: 'MEMORY_OUT_OF_RANGE',
    });
  });

  it('memory target in MiB (the web forms): whole MiB within ceil(min)..floor(max)', () => {
    const limits = { minMiB: 32, maxMiB: 256.5 };
    expect(checkMemoryTargetMiB(256, limits).ok).toBe(true);
    expect(checkMemoryTargetMiB(257, limits)).toMatchObject({
      code: 'MEMORY_OUT_OF_RANGE',
      message: 'The target is 32–256 MiB; 257 is outside.',
      details: { requestedMiB: 257, minMiB: 32, maxMiB: 256 },
    });
    expect(checkMemoryTargetMiB(0, limits)).toMatchObject({ code: 'MEMORY_OUT_OF_RANGE' });
    expect(checkMemoryTargetMiB(12.5, limits)).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
