/**
 * A new-password input with a Generate button (20 random characters, shown in clear so the admin
 * can hand it over) — used by the create-user and reset-password dialogs.
 */
import { useState } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { Button } from '@/components/button';
import { CopyButton } from '@/components/copy-button';
import { inputClass } from '@/components/form-field';
import { generatePassword } from '../lib/generate-password';

export function NewPasswordInput({
  id,
  registration,
  invalid,
  value,
  onGenerate,
}: {
  id: string;
  registration: UseFormRegisterReturn;
  invalid: boolean;
  /** The field's current value (for the copy button). */
  value: string;
  onGenerate: (password: string) => void;
}) {
  const [shown, setShown] = useState(false);
  return (
    <div className="flex items-center gap-1.5">
      <input
        id={id}
        type={shown ? 'text' : 'password'}
        autoComplete="new-password"
        spellCheck={false}
        className={`${inputClass} font-mono`}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : `${id}-hint`}
        {...registration}
      />
      <Button
        onClick={() => {
          setShown(true);
          onGenerate(generatePassword());
        }}
      >
        Generate
      </Button>
      {shown && value ? <CopyButton text={value} label="Copy the password" /> : null}
    </div>
  );
}
