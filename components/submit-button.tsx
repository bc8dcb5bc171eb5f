import type { ButtonHTMLAttributes, ReactNode } from "react";

/**
 * A primary submit button that says so while its form is pending. Pending, it is
 * marked busy and refuses a second submit, but is not disabled: a disabled button
 * drops the keyboard's place, and a refused form would leave it nowhere.
 */
export function SubmitButton({ pending, children, className = "", ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { pending: boolean; children: ReactNode }) {
  return (
    <button
      {...rest}
      type="submit"
      aria-disabled={pending || undefined}
      aria-busy={pending || undefined}
      onClick={(event) => {
        if (pending) event.preventDefault();
        else rest.onClick?.(event);
      }}
      className={`rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 ${className}`}
    >
      {pending ? "Please wait…" : children}
    </button>
  );
}
