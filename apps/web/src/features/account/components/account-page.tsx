/** `/account` (every role): who I am, change my password, two-factor login, my API tokens. */
import { Panel } from '@/components/panel';
import { useAccess } from '@/features/auth';
import { PasswordForm } from './password-form';
import { TokensPanel } from './tokens-panel';
import { TotpPanel } from './totp-panel';

export function AccountPage() {
  const access = useAccess();
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">
        Account <span className="font-mono">{access.username}</span>{' '}
        <span className="text-sm font-normal text-zinc-500">({access.role})</span>
      </h1>
      <div className="grid gap-4 xl:grid-cols-2">
        <Panel title="Password" labelledBy="account-password-heading">
          <PasswordForm />
        </Panel>
        <Panel title="Two-factor login (TOTP)" labelledBy="account-totp-heading">
          <TotpPanel />
        </Panel>
        <Panel title="API tokens" labelledBy="account-tokens-heading" className="xl:col-span-2">
          <TokensPanel />
        </Panel>
      </div>
    </>
  );
}

export default AccountPage;
