/**
 * "New user": username, password (typed or generated), role — validated with the api's
 * `createUserRequestSchema`, sent as `POST /api/v1/users`. The server's refusal (USER_EXISTS…)
 * stays in the open dialog.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type CreateUserRequest, createUserRequestSchema, ROLES } from '@xendeck/api';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Button } from '@/components/button';
import { FormDialog } from '@/components/form-dialog';
import { Field, inputClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { useCreateUser } from '../api/users';
import { ROLE_HINTS } from '../lib/roles';
import { NewPasswordInput } from './new-password-field';

const defaults: CreateUserRequest = { username: '', password: '', role: 'customer' };

export function CreateUserDialog() {
  const [open, setOpen] = useState(false);
  const id = useId();
  const create = useCreateUser();
  const notices = useNotices();
  const form = useForm<CreateUserRequest>({
    resolver: zodResolver(createUserRequestSchema),
    defaultValues: defaults,
  });
  const { register, handleSubmit, formState, reset, setValue, watch } = form;
  const e = formState.errors;
  const role = watch('role');

  return (
    <FormDialog
      open={open}
      onOpenChange={setOpen}
      onOpen={() => {
        create.reset();
        reset(defaults);
      }}
      trigger={
        <Button variant="primary" data-testid="new-user-button">
          New user
        </Button>
      }
      title="New user"
      description="The user logs in with this name and password; give a customer their domains with Grants afterwards."
      submitLabel="Create user"
      pending={create.isPending}
      error={create.error}
      onSubmit={handleSubmit((v) =>
        create.mutate(v, {
          onSuccess: () => {
            setOpen(false);
            notices.success(`User ${v.username} created`);
          },
        }),
      )}
    >
      <Field label="Username" htmlFor={`${id}-username`} error={e.username}>
        <input
          id={`${id}-username`}
          className={`${inputClass} font-mono`}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={!!e.username}
          {...register('username')}
        />
      </Field>
      <Field
        label="Password"
        htmlFor={`${id}-password`}
        error={e.password}
        hint="At least 8 characters. Hand it over safely; they can change it under Account."
      >
        <NewPasswordInput
          id={`${id}-password`}
          registration={register('password')}
          invalid={!!e.password}
          value={watch('password')}
          onGenerate={(p) => setValue('password', p, { shouldValidate: true })}
        />
      </Field>
      <Field label="Role" htmlFor={`${id}-role`} error={e.role} hint={ROLE_HINTS[role]}>
        <select id={`${id}-role`} className={inputClass} {...register('role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
    </FormDialog>
  );
}
