/** A section for an action that cannot be undone (deleting a sandbox, cancelling an order): red-framed, headed, its form kept narrow. */
export function DangerSection({ id, heading, children }: { id: string; heading: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-red-200 bg-white p-4">
      <h2 id={id} className="text-lg font-semibold text-red-900">
        {heading}
      </h2>
      <div className="mt-2 max-w-xl">{children}</div>
    </section>
  );
}
