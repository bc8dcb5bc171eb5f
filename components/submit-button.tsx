import type { ButtonHTMLAttributes, ReactNode } from "react";

const TONE_CLASS = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  danger: "bg-red-700 text-white hover:bg-red-800",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-50",
} as const;

/**
 * A form's submit button that says so while its form is pending (`pendingLabel`).
 * Pending, it is marked busy and refuses a second submit, but is not disabled: a
 * disabled button drops the keyboard's place, and a refused form would leave it nowhere.
 */
export function SubmitButton({
  pending,
  pendingLabel = "Please wait…",
  tone = "primary",
  children,
  className = "",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { pending: boolean; pendingLabel?: string; tone?: keyof typeof TONE_CLASS; children: ReactNode }) {
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
      className={`rounded-md px-4 py-2 text-sm font-semibold disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 ${TONE_CLASS[tone]} ${className}`}
    >
      {pending ? pendingLabel : children}
    </button>
  );
}
