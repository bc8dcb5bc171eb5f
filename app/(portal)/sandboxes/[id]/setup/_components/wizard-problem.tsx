import Link from "next/link";

/** Why the wizard cannot open, with a way back (and a retry when trying again may help). */
export function WizardProblem({ heading, message, back, retry }: { heading: React.ReactNode; message: string; back: { href: string; label: string }; retry?: string }) {
  return (
    <section aria-labelledby="setup-heading">
      {heading}
      <p className="mt-6 rounded-md bg-red-50 p-4 text-sm text-red-800" data-testid="setup-problem">
        {message}
      </p>
      <p className="mt-4 flex gap-4 text-sm">
        {retry && (
          <Link href={retry} className="text-brand-700 underline">
            Try again
          </Link>
        )}
        <Link href={back.href} className="text-brand-700 underline">
          {back.label}
        </Link>
      </p>
    </section>
  );
}
