/**
 * Two-factor login (TOTP, RFC 6238). Whether it is on comes from `GET /session` `totpEnabled`:
 * off offers Set up only, on offers Turn off only. Set up asks the server for a new secret
 * (`POST /api/v1/session/totp`), shows it as a QR code (its `otpauth://` URI) and as text for
 * apps that cannot scan, and enables it once a current code is confirmed (`PUT … {code}`). Turn
 * off (`DELETE`) with a current code, or the password when the device is lost. Test ids: `totp-qr`, `totp-secret`, `totp-enabled`.
 */
import { totpCodeSchema } from '@xendeck/api';
import { QRCodeSVG } from 'qrcode.react';
import { useId, useState } from 'react';
import { Alert, ErrorAlert } from '@/components/alert';
import { Button } from '@/components/button';
import { CopyButton } from '@/components/copy-button';
import { FormDialog } from '@/components/form-dialog';
import { Field, inputBaseClass, inputClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { useSession } from '@/features/auth';
import { isApiError } from '@/lib/api-client';
import { useConfirmTotp, useDisableTotp, useStartTotp } from '../api/account';

/** The base32 secret in groups of four, as authenticator apps show it. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function TotpPanel() {
  const id = useId();
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>();
  const enrolment = start.data;
  const enabled = useSession().data?.totpEnabled === true;

  if (enabled) {
    return (
      <div className="flex flex-col gap-3" data-testid="totp-enabled">
        <Alert
          kind="success"
          title="Two-factor login is on"
          message={
            confirm.isSuccess
              ? 'From your next login, Xendeck asks for the code your app shows after the password.'
              : 'Logging in asks for the code your authenticator app shows after the password.'
          }
        />
        <div className="flex gap-2">
          <TurnOffTotpDialog
            onDone={() => {
              start.reset();
              confirm.reset();
              setCode('');
            }}
          />
        </div>
      </div>
    );
  }

  if (enrolment) {
    return (
      <form
        className="flex flex-col gap-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = totpCodeSchema.safeParse(code);
          if (!parsed.success) {
            setCodeError('the code is six digits');
            return;
          }
          setCodeError(undefined);
          confirm.mutate(parsed.data);
        }}
      >
        <p className="text-sm">
          Scan this with an authenticator app (Aegis, FreeOTP, Google Authenticator, 1Password…),
          then type the 6-digit code it shows.
        </p>
        <div className="flex flex-wrap items-start gap-4">
          <div className="rounded-md bg-white p-2 ring-1 ring-zinc-200" data-testid="totp-qr">
            <QRCodeSVG value={enrolment.uri} size={168} marginSize={1} title="TOTP QR code" />
          </div>
          <div className="flex min-w-0 flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-300">
            <span>Or enter this secret by hand (time-based, SHA-1, 6 digits, 30 s):</span>
            <span className="flex items-center gap-1">
              <code
                className="rounded bg-zinc-100 px-1.5 py-1 font-mono text-sm break-all text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
                data-testid="totp-secret"
              >
                {groupSecret(enrolment.secret)}
              </code>
              <CopyButton text={enrolment.secret} label="Copy the TOTP secret" />
            </span>
          </div>
        </div>
        <Field
          label="Code from the app"
          htmlFor={`${id}-code`}
          error={codeError ? { message: codeError } : undefined}
        >
          <input
            id={`${id}-code`}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            className={`${inputBaseClass} w-32 font-mono tracking-[0.3em]`}
            aria-invalid={!!codeError}
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          />
        </Field>
        {confirm.error ? <ErrorAlert title="Code not accepted" error={confirm.error} /> : null}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={confirm.isPending}>
            Turn on
          </Button>
          <Button onClick={() => start.reset()}>Cancel</Button>
        </div>
      </form>
    );
  }

  return (
    <div className="flex flex-col gap-3 text-sm">
      <p>
        With two-factor login on, logging in asks for a 6-digit code from an app on your phone after
        the password, so a leaked password alone does not open this host.
      </p>
      {isApiError(start.error) && start.error.code === 'TOTP_ALREADY_ENABLED' ? (
        <Alert
          kind="success"
          title="Two-factor login is already on"
          message="To set it up on another device, turn it off first, then set it up again."
        />
      ) : start.error ? (
        <ErrorAlert title="Could not start" error={start.error} />
      ) : null}
      <div className="flex gap-2">
        <Button variant="primary" disabled={start.isPending} onClick={() => start.mutate()}>
          Set up two-factor login
        </Button>
      </div>
    </div>
  );
}

/**
 * Turn off: asks for a current code (six digits) or, when the device is lost, the password (at
 * least 8 characters, so never mistaken for a code), sent as `DELETE /api/v1/session/totp`.
 */
function TurnOffTotpDialog({ onDone }: { onDone: () => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [proof, setProof] = useState('');
  const disable = useDisableTotp();
  const notices = useNotices();
  return (
    <FormDialog
      open={open}
      onOpenChange={setOpen}
      onOpen={() => {
        setProof('');
        disable.reset();
      }}
      trigger={<Button>Turn off</Button>}
      title="Turn off two-factor login?"
      description="Logging in will ask for your password only. Prove it is you with a current code from the app, or with your password if the device is lost."
      submitLabel="Turn off"
      pending={disable.isPending}
      error={disable.error}
      onSubmit={(e) => {
        e.preventDefault();
        const isCode = totpCodeSchema.safeParse(proof).success;
        disable.mutate(isCode ? { code: proof } : { password: proof }, {
          onSuccess: () => {
            setOpen(false);
            onDone();
            notices.success('Two-factor login is off');
          },
        });
      }}
    >
      <Field label="Code from the app, or your password" htmlFor={`${id}-proof`}>
        <input
          id={`${id}-proof`}
          type="password"
          autoComplete="current-password"
          className={inputClass}
          required
          value={proof}
          onChange={(e) => setProof(e.target.value)}
        />
      </Field>
    </FormDialog>
  );
}
