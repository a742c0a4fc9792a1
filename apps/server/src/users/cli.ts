/**
 * The command line for users, run as root on dom0 next to the service (`pnpm xendeck …`, entry
 * `src/cli.ts`, bundled to `dist/cli.js`): the way back in when every admin password is lost.
 *
 *   xendeck user list [--json]
 *   xendeck user create NAME --role admin|operator|customer [--password-stdin]
 *   xendeck user reset-password NAME [--password-stdin]
 *   xendeck user disable-totp NAME
 *
 * It opens the same SQLite database as the server (`<XENDECK_STATE_DIR>/xendeck.sqlite`, the
 * variable read by `config.ts` exactly as the server reads it; default /var/lib/xendeck) while
 * the server runs (WAL, busy timeout). A generated password (144 bits) is printed once on stdout;
 * `--password-stdin` reads one instead (the first line; 8–1024 characters). A reset ends the
 * user's sessions: their rows go at once, and the running server closes their websockets at its
 * next session check (within 30 s, `ws/connections.ts`). Each change is written to the audit
 * log as the user `cli:<login name>`. Exit status: 0 done, 1 refused or failed (message on
 * stderr), 2 usage.
 */
import { existsSync } from 'node:fs';
import { userInfo as osUserInfo } from 'node:os';
import { join } from 'node:path';
import { newPasswordSchema, roleSchema, usernameSchema } from '@xendeck/api';
import { pino } from 'pino';
import { AuditLog } from '../audit.js';
import { Sessions } from '../auth/sessions.js';
import { generatePassword, Users } from '../auth/users.js';
import { ConfigError, loadConfig } from '../config.js';
import { type Db, openDatabase } from '../db.js';
import { ApiError } from '../errors.js';
import { setPassword, turnOffTotp } from './accounts.js';
import { Totp } from './totp.js';

/** Where the CLI reads and writes (injectable for tests). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Reads all of stdin (for `--password-stdin`). */
  readStdin: () => Promise<string>;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const CLI_USAGE = `Usage: pnpm xendeck user <command>   (as root on the Xen host, with the service's XENDECK_STATE_DIR)

  user list [--json]                         every user: name, role, TOTP, password changed, created
  user create NAME --role ROLE [--password-stdin]
                                             a new user (ROLE: admin, operator, customer); prints a
                                             generated password once unless --password-stdin
  user reset-password NAME [--password-stdin]
                                             a new password (printed once unless --password-stdin);
                                             ends the user's sessions
  user disable-totp NAME                     turns the user's two-factor login off (a lost device)

The database is <XENDECK_STATE_DIR>/xendeck.sqlite (default /var/lib/xendeck).
`;

class UsageError extends Error {}

/** The `user` subcommands and the options each takes. */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  list: ['json'],
  create: ['role', 'password-stdin'],
  'reset-password': ['password-stdin'],
  'disable-totp': [],
};

/** The value of `--flag VALUE` / `--flag=VALUE` and the remaining positional arguments. */
function parseArgs(args: readonly string[]): {
  positional: string[];
  flags: Map<string, string | true>;
} {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a === '--role') {
      const v = args[++i];
      if (v === undefined) throw new UsageError('--role needs a value');
      flags.set('role', v);
    } else flags.set(a.slice(2), true);
  }
  return { positional, flags };
}

function checkFlags(flags: Map<string, string | true>, allowed: readonly string[]): void {
  for (const f of flags.keys()) {
    if (!allowed.includes(f)) throw new UsageError(`unknown option --${f}`);
  }
}

/** The one NAME argument, validated like the API's usernames. */
function nameArg(positional: readonly string[], command: string): string {
  if (positional.length !== 1) throw new UsageError(`user ${command} needs exactly one NAME`);
  const r = usernameSchema.safeParse(positional[0]);
  if (!r.success) {
    throw new UsageError(
      `invalid NAME ${JSON.stringify(positional[0])}: ${r.error.issues[0]?.message}`,
    );
  }
  return r.data;
}

/** A password from stdin (first line, its line ending dropped), or a generated one. */
async function passwordFrom(
  io: CliIo,
  fromStdin: boolean,
): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generatePassword(), generated: true };
  const text = await io.readStdin();
  const line = text.split(/\r?\n/)[0] ?? '';
  const r = newPasswordSchema.safeParse(line);
  if (!r.success) {
    throw new ApiError(
      'INVALID_INPUT',
      `the password read from stdin: ${r.error.issues[0]?.message}`,
    );
  }
  return { password: r.data, generated: false };
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

/**
 * Runs one command (`args` without the program name). Returns the exit status; writes results
 * to `io.out` and problems to `io.err`. Never throws.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let db: Db | undefined;
  try {
    const [group, command, ...rest] = args;
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      io.out(CLI_USAGE);
      return group === undefined ? 2 : 0;
    }
    if (group !== 'user' || command === undefined)
      throw new UsageError(`unknown command "${args.join(' ')}"`);
    const allowedFlags = COMMAND_FLAGS[command];
    if (!allowedFlags) throw new UsageError(`unknown command "user ${command}"`);
    const { positional, flags } = parseArgs(rest);
    checkFlags(flags, allowedFlags);

    // The server's own reading of the environment: the same XENDECK_STATE_DIR, default and
    // checks. Xen's presence does not matter here (only the state directory is used).
    const stateDir = loadConfig(io.env, { xenPresent: () => true }).stateDir;
    const file = join(stateDir, 'xendeck.sqlite');
    if (!existsSync(file)) {
      throw new ApiError(
        'NOT_FOUND',
        `no Xendeck database at ${file}: start the server once, or set XENDECK_STATE_DIR as the service does`,
      );
    }
    try {
      db = openDatabase(stateDir);
    } catch (err) {
      throw new ApiError(
        'FORBIDDEN',
        `cannot open ${file}: ${err instanceof Error ? err.message : String(err)} (run as root, like the service)`,
      );
    }
    const users = new Users(db);
    const sessions = new Sessions(db);
    const deps = { db, users, sessions, stateDir };
    const audit = new AuditLog(db, pino({ level: 'silent' }));
    const actor = `cli:${safeLoginName()}`;

    switch (command) {
      case 'list': {
        if (positional.length > 0) throw new UsageError('user list takes no NAME');
        const list = users.list();
        if (flags.has('json')) {
          io.out(
            `${JSON.stringify(
              list.map((u) => ({
                username: u.username,
                role: u.role,
                totpEnabled: u.totpEnabled,
                createdAt: u.createdAt,
                passwordChangedAt: u.passwordChangedAt,
              })),
              null,
              2,
            )}\n`,
          );
          return 0;
        }
        const rows = [
          ['USERNAME', 'ROLE', 'TOTP', 'PASSWORD CHANGED', 'CREATED'],
          ...list.map((u) => [
            u.username,
            u.role,
            u.totpEnabled ? 'on' : 'off',
            iso(u.passwordChangedAt),
            iso(u.createdAt),
          ]),
        ];
        const widths =
          rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
        for (const r of rows) {
          io.out(
            `${r
              .map((c, i) => c.padEnd(widths[i] ?? 0))
              .join('  ')
              .trimEnd()}\n`,
          );
        }
        return 0;
      }
      case 'create': {
        const name = nameArg(positional, 'create');
        const roleArg = flags.get('role');
        const role = roleSchema.safeParse(roleArg);
        if (!role.success) throw new UsageError('user create needs --role admin|operator|customer');
        const { password, generated } = await passwordFrom(io, flags.has('password-stdin'));
        await users.create(name, password, role.data);
        audit.record({
          user: actor,
          remoteAddr: undefined,
          action: 'user.create',
          target: `user:${name}`,
          result: 'ok',
          role: role.data,
          via: 'cli',
        });
        io.err(`created the user "${name}" (${role.data})\n`);
        if (generated) io.out(`${password}\n`);
        return 0;
      }
      case 'reset-password': {
        const name = nameArg(positional, 'reset-password');
        const user = users.require(name);
        const { password, generated } = await passwordFrom(io, flags.has('password-stdin'));
        const { sessionsEnded } = await setPassword(deps, user, password);
        audit.record({
          user: actor,
          remoteAddr: undefined,
          action: 'user.update',
          target: `user:${name}`,
          result: 'ok',
          passwordReset: true,
          sessionsEnded,
          via: 'cli',
        });
        io.err(
          `new password set for "${name}"; ${sessionsEnded} session(s) ended (the server closes their websockets within 30 s)\n`,
        );
        if (generated) io.out(`${password}\n`);
        return 0;
      }
      case 'disable-totp': {
        const name = nameArg(positional, 'disable-totp');
        const user = users.require(name);
        const { sessionsEnded } = turnOffTotp({ ...deps, totp: new Totp(users) }, user);
        audit.record({
          user: actor,
          remoteAddr: undefined,
          action: 'user.totp.disable',
          target: `user:${name}`,
          result: 'ok',
          sessionsEnded,
          via: 'cli',
        });
        io.err(`TOTP turned off for "${name}"; ${sessionsEnded} session(s) ended\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "user ${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`xendeck: ${err.message}\n\n${CLI_USAGE}`);
      return 2;
    }
    if (err instanceof ApiError || err instanceof ConfigError) {
      io.err(`xendeck: ${err.message}\n`);
      return 1;
    }
    io.err(`xendeck: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    db?.close();
  }
}

/** The login name running the command (for the audit log), `unknown` when the OS cannot say. */
function safeLoginName(): string {
  try {
    return osUserInfo().username;
  } catch {
    return 'unknown';
  }
}
