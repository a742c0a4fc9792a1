// The call gate (concurrency bound + watchdog of every libxl call) and runProgram (how xl is
// spawned: environment, output cap, kill at the timeout), with plain promises and fake programs.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILD_PATH } from '@xendeck/api';
import { afterAll, describe, expect, it } from 'vitest';
import { isHypervisorError } from '../src/errors.js';
import { CallGate, MAX_PROGRAM_OUTPUT_BYTES, runProgram } from '../src/host-calls.js';

/** A promise and its resolve, to play a native call that returns when the test says. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('CallGate', () => {
  it('runs at most `slots` calls at once; the others wait in order', async () => {
    const gate = new CallGate({ slots: 2, what: 'libxl call' });
    const d = [deferred<number>(), deferred<number>(), deferred<number>()];
    const started: number[] = [];
    const results = d.map((x, i) =>
      gate.run(() => {
        started.push(i);
        return x.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([gate.running, gate.waiting]).toEqual([2, 1]);
    d[1]?.resolve(11);
    expect(await results[1]).toBe(11);
    await new Promise((r) => setImmediate(r)); // the slot is released once the call settled
    expect(started).toEqual([0, 1, 2]);
    d[0]?.resolve(10);
    d[2]?.resolve(12);
    expect(await Promise.all(results)).toEqual([10, 11, 12]);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it('a hung call rejects with TIMEOUT but keeps its slot until it really returns', async () => {
    const gate = new CallGate({ slots: 1, timeoutMs: 50, what: 'libxl call' });
    const hung = deferred<string>();
    const err = await gate.run(() => hung.promise, { domid: 7 }).catch((e: unknown) => e);
    expect(isHypervisorError(err) && err.code).toBe('TIMEOUT');
    expect(isHypervisorError(err) && err.details).toMatchObject({ started: true, domid: 7 });
    expect(gate.running).toBe(1);
    // The next call waits for the slot, and times out in the queue without ever starting.
    let ran = false;
    const queued = await gate
      .run(async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(isHypervisorError(queued) && queued.details.started).toBe(false);
    expect(ran).toBe(false);
    expect(gate.waiting).toBe(0);
    hung.resolve('late');
    await hung.promise;
    await Promise.resolve();
    expect(gate.running).toBe(0);
    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('passes a failing call’s own error through', async () => {
    const gate = new CallGate({ slots: 1, timeoutMs: 1000, what: 'libxl call' });
    await expect(gate.run(async () => Promise.reject(new Error('ERROR_FAIL')))).rejects.toThrow(
      'ERROR_FAIL',
    );
    expect(gate.running).toBe(0);
  });
});

describe('runProgram', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-host-calls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A fake xl: a shell script (the program is spawned directly, the script is its own). */
  const script = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };

  it('gives the child the fixed environment, never the server’s (no secret reaches xl)', async () => {
    process.env.XENDECK_ADMIN_PASSWORD = 'rb-secret-password-1';
    process.env.RB_SOME_TOKEN = 'rb-secret-token-2';
    try {
      const r = await runProgram(script('env', 'env'), [], { timeoutMs: 5000 });
      expect(r.code).toBe(0);
      expect(r.output).not.toContain('rb-secret');
      const vars = Object.fromEntries(
        r.output
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(vars.PATH).toBe(CHILD_PATH);
      expect(vars.LANG).toBe('C.UTF-8');
      expect(
        Object.keys(vars).filter(
          (k) => !['PATH', 'LANG', 'LC_ALL', 'PWD', 'SHLVL', '_'].includes(k),
        ),
      ).toEqual([]);
    } finally {
      delete process.env.XENDECK_ADMIN_PASSWORD;
      delete process.env.RB_SOME_TOKEN;
    }
  });

  it('keeps at most 64 KiB of output and counts the rest', async () => {
    const r = await runProgram(
      script(
        'loud',
        'i=0; while [ $i -lt 2000 ]; do echo "xl: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"; i=$((i+1)); done; exit 3',
      ),
      [],
      { timeoutMs: 10_000 },
    );
    expect(r.code).toBe(3);
    expect(Buffer.byteLength(r.output)).toBe(MAX_PROGRAM_OUTPUT_BYTES);
    expect(r.droppedBytes).toBe(2000 * 105 - MAX_PROGRAM_OUTPUT_BYTES);
  });

  it('kills a program still running at the timeout (SIGKILL) and says so', async () => {
    const started = Date.now();
    const r = await runProgram(
      script('hang', 'echo building; exec sleep 30'),
      ['create', '/x.cfg'],
      {
        timeoutMs: 200,
      },
    );
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(r.output).toContain('building');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a program that cannot start, without throwing', async () => {
    const r = await runProgram(join(dir, 'missing-xl'), [], { timeoutMs: 1000 });
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(r.code).toBeNull();
  });
});
