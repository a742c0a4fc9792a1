/**
 * Running `dd` for volume copies (`Storage.copyVolume` of the LVM backend): spawned with an
 * argument array (never a shell), `LC_ALL=C` and a minimal environment, no timeout (a copy of a
 * large volume takes as long as it takes; an AbortSignal stops it), stderr read live for the
 * `status=progress` figures (`parseDdProgress` in `lvm-args.ts`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '@xendeck/api';
import { StorageError } from './errors.js';
import { parseDdProgress } from './lvm-args.js';
import type { LvmRunResult } from './lvm-storage.js';

/**
 * Runs `dd` with `args`, calling `onProgress(bytesCopied)` as dd reports them; resolves with its
 * exit code and output (stderr's last 64 KiB) once it exits. `signal` aborts it (SIGTERM): the
 * promise then rejects with LVM_ERROR "copy aborted". Throws LVM_UNAVAILABLE when dd is missing.
 */
export type DdRunner = (
  args: string[],
  onProgress: (copiedBytes: number) => void,
  signal?: AbortSignal,
) => Promise<LvmRunResult>;

/** dd's stderr kept for the error message: the last 64 KiB. */
const STDERR_KEEP_CHARS = 64 * 1024;

/** The spawning {@link DdRunner}; `binDirs` as for the lvm commands (default /usr/bin, /bin, …). */
export function spawnDdRunner(options: { binDirs?: string[] } = {}): DdRunner {
  const binDirs = options.binDirs ?? ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  return (args, onProgress, signal) =>
    new Promise((resolve, reject) => {
      const bin = binDirs.map((d) => join(d, 'dd')).find((p) => existsSync(p));
      if (!bin) {
        reject(
          new StorageError(
            'LVM_UNAVAILABLE',
            `dd is not installed (looked in ${binDirs.join(', ')})`,
            {
              command: 'dd',
            },
          ),
        );
        return;
      }
      if (signal?.aborted) {
        reject(new StorageError('LVM_ERROR', 'copy aborted before it started', { command: 'dd' }));
        return;
      }
      const child = spawn(bin, args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: childEnv({ LC_ALL: 'C' }),
      });
      let stderr = '';
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        child.kill('SIGTERM');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
        const copied = parseDdProgress(text);
        if (copied !== undefined) onProgress(copied);
      });
      child.on('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(
          new StorageError('LVM_ERROR', `dd failed to start: ${e.message}`, { command: 'dd' }),
        );
      });
      child.on('close', (code, sig) => {
        signal?.removeEventListener('abort', onAbort);
        if (aborted) {
          reject(new StorageError('LVM_ERROR', 'copy aborted', { command: 'dd', args }));
          return;
        }
        if (sig) {
          reject(
            new StorageError('LVM_ERROR', `dd was stopped by ${sig}: ${stderr.trim()}`, {
              command: 'dd',
              args,
              signal: sig,
              stderr,
            }),
          );
          return;
        }
        resolve({ exitCode: code ?? 1, stdout: '', stderr });
      });
    });
}
