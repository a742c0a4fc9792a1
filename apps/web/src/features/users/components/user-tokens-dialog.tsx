/**
 * "Tokens" of one user (admin): their API tokens (name, created, last used, expires) with Revoke,
 * through `GET`/`DELETE /api/v1/users/:username/tokens` — for a script that leaked or a customer
 * who left. The tokens themselves are never shown (only their hashes are stored).
 */
import * as Dialog from '@radix-ui/react-dialog';
import { Button } from '@/components/button';
import { TokensTable } from '@/features/account';

export function UserTokensDialog({ username }: { username: string }) {
  return (
    <Dialog.Root>
      <Dialog.Trigger asChild>
        <Button size="sm" data-testid={`tokens-button-${username}`}>
          Tokens
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100vh-2rem)] w-[min(44rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 overflow-auto rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          <Dialog.Title className="text-base font-semibold">
            API tokens of <span className="font-mono">{username}</span>
          </Dialog.Title>
          <Dialog.Description className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-300">
            Each acts as {username} for scripts; revoking one makes its requests answer 401 at once.
          </Dialog.Description>
          <div className="px-4 pb-4">
            <TokensTable owner={username} />
          </div>
          <div className="flex justify-end">
            <Dialog.Close asChild>
              <Button>Close</Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
