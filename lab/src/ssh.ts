/** Building the ssh command line `pnpm lab exec` runs to reach dom0. */

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argv word for a POSIX shell (the remote shell ssh hands its command to): safe words
 * stay as they are, anything else is single-quoted with `'` written as `'\''`.
 */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Joins argv words into one remote command string, each word quoted with {@link shellQuote}. */
export function remoteCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export interface SshOptions {
  /** Private key file (ed25519, generated at image build). */
  keyFile: string;
  /** Host port forwarded to dom0's port 22. */
  port: number;
  /** Allocate a TTY (only when our stdin is a TTY). */
  tty: boolean;
  /** Seconds ssh waits for the TCP connection. */
  connectTimeout?: number;
}

/**
 * The argument array for `ssh` (no shell involved on this side): key auth only, no host-key
 * checking (each lab start is a fresh host), BatchMode, `-t` or `-T`, then `root@127.0.0.1`,
 * `--` and the quoted remote command as ONE word.
 */
export function sshArgs(opts: SshOptions, argv: readonly string[]): string[] {
  if (argv.length === 0)
    throw new Error('lab exec: no command given (usage: pnpm lab exec -- CMD ARGS...)');
  return [
    '-i',
    opts.keyFile,
    '-p',
    String(opts.port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `ConnectTimeout=${opts.connectTimeout ?? 10}`,
    opts.tty ? '-t' : '-T',
    'root@127.0.0.1',
    '--',
    remoteCommand(argv),
  ];
}

/**
 * Whether ssh's stderr says it failed before the remote command could start (authentication or
 * key exchange), so that running it again cannot run the command twice.
 */
export function isPreAuthSshFailure(stderr: string): boolean {
  return /Permission denied \(|kex_exchange_identification|Connection refused|Connection closed by [^\n]* port \d+\s*$|Connection reset by [^\n]* port \d+\s*$/m.test(
    stderr,
  );
}
