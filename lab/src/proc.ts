/** Spawning children with argument arrays (never a shell string), and stopping them on Ctrl-C. */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

const live = new Set<ChildProcess>();
let interrupted: NodeJS.Signals | undefined;

/** The signal that interrupted the lab, if any (then every running child was sent SIGTERM). */
export function interruption(): NodeJS.Signals | undefined {
  return interrupted;
}

/**
 * Installs SIGINT/SIGTERM handlers that terminate running children instead of exiting at once,
 * so the awaiting code's `finally` blocks (unmounts, temporary directories) still run.
 */
export function installInterruptHandlers(): void {
  let first = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted !== undefined) {
      // pnpm and tsx forward the terminal's Ctrl-C, so one keypress arrives more than once:
      // only a later, deliberate signal skips the cleanup.
      if (Date.now() - first < 3000) return;
      process.stderr.write(`lab: second ${sig}, exiting without cleanup\n`);
      process.exit(130);
    }
    first = Date.now();
    interrupted = sig;
    process.stderr.write(`\nlab: ${sig} received, stopping...\n`);
    for (const c of live) c.kill('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(
      `command failed (${signal !== null ? `signal ${signal}` : `exit ${code}`}): ${argv.join(' ')}` +
        (stderrTail !== '' ? `\n${stderrTail}` : ''),
    );
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the child's output goes: inherited (default), captured, or appended to a log stream. */
  output?: 'inherit' | 'capture' | NodeJS.WritableStream;
  input?: string | Buffer;
  /** Cleanup steps (unmounts, removals) run even after Ctrl-C; other commands are refused. */
  cleanup?: boolean;
}

/**
 * Runs `argv[0]` with `argv.slice(1)`, resolves with captured stdout (empty unless
 * `output: 'capture'`). @throws CommandError on a non-zero exit or a signal.
 */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('run: empty argv');
  if (interrupted !== undefined && opts.cleanup !== true)
    return Promise.reject(new Error(`interrupted by ${interrupted}`));
  const output = opts.output ?? 'inherit';
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: [
      opts.input !== undefined ? 'pipe' : 'ignore',
      output === 'inherit' ? 'inherit' : 'pipe',
      output === 'inherit' ? 'inherit' : 'pipe',
    ],
  };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, spawnOpts);
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (output === 'capture') stdout += d.toString();
      else if (typeof output === 'object') output.write(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      if (typeof output === 'object') output.write(d);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on('error', (e) => {
      live.delete(child);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      if (code === 0) resolve(stdout);
      else
        reject(
          new CommandError(argv, code, signal, stderr.trim().split('\n').slice(-15).join('\n')),
        );
    });
  });
}

/** True when a process with this pid exists (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Formats a duration in ms as `12.3 s` or `4 min 05 s`. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - m * 60)).padStart(2, '0')} s`;
}
