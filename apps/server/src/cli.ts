/**
 * Entry point of Xendeck's command line (`pnpm xendeck …` at the repository root runs the bundle
 * of this file, `dist/cli.js`): user administration on dom0 without the web UI. The commands
 * are `users/cli.ts`; this file only connects them to the process (arguments, stdin, exit status).
 */
import { runCli } from './users/cli.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    // A password is at most 1024 characters: stop reading a stream far larger than that.
    if (size > 64 * 1024) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  readStdin,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
