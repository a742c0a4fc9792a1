/**
 * "Reset password" of one user: a new password (typed or generated) sent as
 * `PUT /api/v1/users/:username {password}`, which also ends that user's sessions.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { newPasswordSchema } from '@xendeck/api';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/button';
import { FormDialog } from '@/components/form-dialog';
import { Field } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { useUpdateUser } from '../api/users';
import { NewPasswordInput } from './new-password-field';

const schema = z.object({ password: newPasswordSchema });
type Values = z.infer<typeof schema>;

export function ResetPasswordDialog({ username }: { username: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const update = useUpdateUser();
  const notices = useNotices();
  const { register, handleSubmit, formState, reset, setValue, watch } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { password: '' },
  });

  return (
    <FormDialog
      open={open}
      onOpenChange={setOpen}
      onOpen={() => {
        update.reset();
        reset({ password: '' });
      }}
      trigger={
        <Button size="sm" data-testid={`reset-password-${username}`}>
          Reset password
        </Button>
      }
      title={`New password for ${username}`}
      description={`${username} is logged out everywhere and logs in again with the new password.`}
      submitLabel="Set password"
      pending={update.isPending}
      error={update.error}
      onSubmit={handleSubmit(({ password }) =>
        update.mutate(
          { username, password },
          {
            onSuccess: () => {
              setOpen(false);
              notices.success(`Password of ${username} changed`, 'Their sessions were ended.');
            },
          },
        ),
      )}
    >
      <Field
        label="New password"
        htmlFor={`${id}-password`}
        error={formState.errors.password}
        hint="At least 8 characters."
      >
        <NewPasswordInput
          id={`${id}-password`}
          registration={register('password')}
          invalid={!!formState.errors.password}
          value={watch('password')}
          onGenerate={(p) => setValue('password', p, { shouldValidate: true })}
        />
      </Field>
    </FormDialog>
  );
}
