import type { ButtonHTMLAttributes, ReactNode } from "react";

/** A primary submit button that is disabled and says so while its form is pending. */
export function SubmitButton({ pending, children, className = "", ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { pending: boolean; children: ReactNode }) {
  return (
    <button
      {...rest}
      type="submit"
      disabled={pending || rest.disabled}
      aria-busy={pending || undefined}
      className={`rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-60 ${className}`}
    >
      {pending ? "Please wait…" : children}
    </button>
  );
}
