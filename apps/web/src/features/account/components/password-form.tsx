/**
 * Change my password: current, new, new again (zod: the api's `newPasswordSchema`, the two new
 * ones equal, the new one different from the current), sent as `PUT /api/v1/session/password`.
 * Test ids: `password-form`, `password-changed`.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { newPasswordSchema } from '@xendeck/api';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Alert, ErrorAlert } from '@/components/alert';
import { Button } from '@/components/button';
import { Field, inputClass } from '@/components/form-field';
import { useChangePassword } from '../api/account';

export const passwordFormSchema = z
  .object({
    currentPassword: z.string().min(1, 'your current password'),
    newPassword: newPasswordSchema,
    repeatPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.repeatPassword, {
    message: 'the two new passwords differ',
    path: ['repeatPassword'],
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    message: 'the new password is the current one',
    path: ['newPassword'],
  });
type Values = z.infer<typeof passwordFormSchema>;

const empty: Values = { currentPassword: '', newPassword: '', repeatPassword: '' };

export function PasswordForm() {
  const id = useId();
  const change = useChangePassword();
  const { register, handleSubmit, formState, reset } = useForm<Values>({
    resolver: zodResolver(passwordFormSchema),
    defaultValues: empty,
  });
  const e = formState.errors;
  const field = (name: keyof Values) => ({
    id: `${id}-${name}`,
    type: 'password',
    className: inputClass,
    'aria-invalid': !!e[name],
    ...register(name),
  });

  return (
    <form
      noValidate
      data-testid="password-form"
      className="flex max-w-sm flex-col gap-3"
      onSubmit={handleSubmit(({ currentPassword, newPassword }) =>
        change.mutate({ currentPassword, newPassword }, { onSuccess: () => reset(empty) }),
      )}
    >
      <Field label="Current password" htmlFor={`${id}-currentPassword`} error={e.currentPassword}>
        <input autoComplete="current-password" {...field('currentPassword')} />
      </Field>
      <Field
        label="New password"
        htmlFor={`${id}-newPassword`}
        error={e.newPassword}
        hint="At least 8 characters."
      >
        <input autoComplete="new-password" {...field('newPassword')} />
      </Field>
      <Field label="New password again" htmlFor={`${id}-repeatPassword`} error={e.repeatPassword}>
        <input autoComplete="new-password" {...field('repeatPassword')} />
      </Field>
      {change.error ? (
        <ErrorAlert title="Password not changed" error={change.error} />
      ) : change.isSuccess ? (
        <div data-testid="password-changed">
          <Alert
            kind="success"
            title="Password changed"
            message="Your other sessions were logged out."
          />
        </div>
      ) : null}
      <div>
        <Button type="submit" variant="primary" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </Button>
      </div>
    </form>
  );
}
