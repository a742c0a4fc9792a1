import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'danger-outline' | 'ghost';

const variants: Record<Variant, string> = {
  primary:
    'border-transparent bg-sky-700 text-white hover:bg-sky-800 dark:bg-sky-600 dark:hover:bg-sky-500',
  secondary:
    'border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
  danger:
    'border-transparent bg-red-700 text-white hover:bg-red-800 dark:bg-red-700 dark:hover:bg-red-600',
  'danger-outline':
    'border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-900 dark:bg-zinc-900 dark:text-red-400 dark:hover:bg-red-950',
  ghost:
    'border-transparent bg-transparent text-zinc-700 hover:bg-zinc-200/70 dark:text-zinc-300 dark:hover:bg-zinc-800',
};

const sizes = {
  sm: 'h-7 px-2 text-xs',
  md: 'h-8 px-3 text-sm',
};

/** The app's button. Disabled buttons look disabled; focus is always visible. */
export function Button({
  variant = 'secondary',
  size = 'md',
  className = '',
  type = 'button',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: keyof typeof sizes }) {
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1.5 rounded-md border font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-not-allowed disabled:opacity-45 aria-pressed:border-sky-600 aria-pressed:bg-sky-50 aria-pressed:text-sky-900 dark:aria-pressed:border-sky-500 dark:aria-pressed:bg-sky-950 dark:aria-pressed:text-sky-100 ${variants[variant]} ${sizes[size]} ${className}`}
      {...props}
    />
  );
}
