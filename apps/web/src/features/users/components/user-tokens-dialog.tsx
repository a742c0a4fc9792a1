/**
 * "Tokens" of one user (admin): their API tokens (name, created, last used, expires) with Revoke,
 * through `GET`/`DELETE /api/v1/users/:username/tokens` — for a script that leaked or a customer
 * who left. The tokens themselves are never shown (only their hashes are stored).
 */
import * as Dialog from '@radix-ui/react-dialog';
import { Button } from '@/components/button';
import { DialogFrame } from '@/components/dialog-frame';
import { TokensTable } from '@/features/account';

export function UserTokensDialog({ username }: { username: string }) {
  return (
    <Dialog.Root>
      <Dialog.Trigger asChild>
        <Button size="sm" data-testid={`tokens-button-${username}`}>
          Tokens
        </Button>
      </Dialog.Trigger>
      <DialogFrame widthClass="w-[min(44rem,calc(100vw-2rem))]">
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
      </DialogFrame>
    </Dialog.Root>
  );
}
