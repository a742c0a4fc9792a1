/**
 * Bounds on what the libxl backend asks of the host: how many native calls (libxl, xenstore,
 * xenstat; each one holds a libuv pool thread) run at once and how long a caller waits for one
 * ({@link CallGate}), and how xl and other programs are spawned ({@link runProgram}: argument
 * array, the fixed environment of `@xendeck/api`'s `childEnv`, a kill at a timeout, captured
 * output capped). Nothing here knows Xen: `libxl-host.ts` wraps every addon call in a gate and
 * every `xl` in `runProgram`, and the tests drive both with plain promises and fake programs.
 */
import { spawn } from 'node:child_process';
import { childEnv } from '@xendeck/api';
import { HypervisorError } from './errors.js';

/** Native calls at once (default): one of libuv's 4 pool threads stays free for fs and crypto. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 3;
/** How long a caller waits for a native call, queueing included (default), ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/** `xl create` / `xl restore` at once (default): each may allocate a guest's memory. */
export const DEFAULT_MAX_CONCURRENT_BUILDS = 2;
/** Output kept from a spawned program (stdout and stderr together), bytes. */
export const MAX_PROGRAM_OUTPUT_BYTES = 64 * 1024;

/** Options of a {@link CallGate}. */
export interface CallGateOptions {
  /** Calls running at once; more wait in order. */
  slots: number;
  /** Caller's wait (queue + run), ms; unset = no watchdog. */
  timeoutMs?: number;
  /** What a timed-out call is, for the TIMEOUT message (e.g. `libxl call`). */
  what: string;
}

/**
 * A counting semaphore with a watchdog. {@link run} starts the work when a slot is free; when the
 * caller has waited `timeoutMs` (queued or running) it rejects with HypervisorError `TIMEOUT`
 * (`details`: `{ timeoutMs, started, ...context }`). A call that had not started is dropped from
 * the queue and never runs; one that had started keeps its slot until its promise really settles
 * (a hung libxl call still holds its pool thread, so it must still count). Its late result or
 * error is discarded.
 */
export class CallGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly opts: CallGateOptions) {
    if (!Number.isInteger(opts.slots) || opts.slots < 1) {
      throw new RangeError(`CallGate slots must be a positive integer, got ${opts.slots}`);
    }
  }

  /** Calls running now (including timed-out ones that have not returned). */
  get running(): number {
    return this.active;
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `work` under the gate (see the class comment); `context` goes into TIMEOUT's details. */
  run<T>(work: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let started = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        settled = true;
        if (timer) clearTimeout(timer);
      };
      const start = () => {
        started = true;
        this.active++;
        let p: Promise<T>;
        try {
          p = Promise.resolve(work());
        } catch (err) {
          p = Promise.reject(err);
        }
        p.then(
          (v) => {
            if (!settled) {
              finish();
              resolve(v);
            }
          },
          (err: unknown) => {
            if (!settled) {
              finish();
              reject(err);
            }
          },
        ).finally(() => this.release());
      };
      if (this.opts.timeoutMs !== undefined) {
        const timeoutMs = this.opts.timeoutMs;
        timer = setTimeout(() => {
          if (settled) return;
          settled = true;
          if (!started) {
            const i = this.queue.indexOf(start);
            if (i >= 0) this.queue.splice(i, 1);
          }
          reject(
            new HypervisorError(
              'TIMEOUT',
              started
                ? `the ${this.opts.what} did not return within ${timeoutMs} ms (it still runs; its result will be discarded)`
                : `no ${this.opts.what} slot came free within ${timeoutMs} ms (${this.active} running)`,
              { timeoutMs, started, ...context },
            ),
          );
        }, timeoutMs);
        timer.unref?.();
      }
      if (this.active < this.opts.slots) start();
      else this.queue.push(start);
    });
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next();
  }
}

/** What {@link runProgram} saw. */
export interface ProgramResult {
  /** Exit code; null when killed or not started. */
  code: number | null;
  /** stdout and stderr interleaved as they came, at most {@link MAX_PROGRAM_OUTPUT_BYTES}. */
  output: string;
  /** Bytes of output beyond the cap, dropped. */
  droppedBytes: number;
  /** True when it was killed (SIGKILL) at `timeoutMs`. */
  timedOut: boolean;
  /** Why it could not start (e.g. ENOENT), when it could not. */
  spawnError?: string;
}

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** SIGKILL after this many ms. */
  timeoutMs: number;
  /** Variables added to `childEnv()` (never the server's own environment). */
  env?: Readonly<Record<string, string>>;
  /** Output cap, bytes; default {@link MAX_PROGRAM_OUTPUT_BYTES}. */
  maxOutputBytes?: number;
}

/**
 * Spawns `file` with `args` (an argument array, never a shell), stdin closed, in `childEnv()`.
 * Resolves on the child's `exit`, never rejects: `xl create` leaves a daemonized monitor that may
 * hold inherited pipes, so `close` may never come; after `exit` the pipes are read once more and
 * then dropped. A program still running at `timeoutMs` is killed with SIGKILL (`timedOut`).
 */
export function runProgram(
  file: string,
  args: readonly string[],
  opts: RunProgramOptions,
): Promise<ProgramResult> {
  const cap = opts.maxOutputBytes ?? MAX_PROGRAM_OUTPUT_BYTES;
  return new Promise((resolve) => {
    let output = '';
    let kept = 0;
    let droppedBytes = 0;
    let timedOut = false;
    const child = spawn(file, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(opts.env),
    });
    const onData = (b: Buffer) => {
      const room = cap - kept;
      if (room <= 0) {
        droppedBytes += b.length;
        return;
      }
      const part = b.length > room ? b.subarray(0, room) : b;
      output += part.toString();
      kept += part.length;
      droppedBytes += b.length - part.length;
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output, droppedBytes, timedOut, spawnError: err.message });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Let already-buffered output arrive, then stop reading (the monitor may keep the pipe).
      setImmediate(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code, output, droppedBytes, timedOut });
      });
    });
  });
}
