import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listOutbox } from "@/lib/notifications/mailer";

export const metadata: Metadata = { title: "Outbox (development)" };
export const dynamic = "force-dynamic";

/** Development only: the e-mails written to the outbox folder when no SMTP server is configured. */
export default async function OutboxPage() {
  // Only under `npm run dev`: mails hold sign-in and reset links, and a staging or test server may run with any other NODE_ENV.
  if (process.env.NODE_ENV !== "development") notFound();
  const mails = await listOutbox();
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Outbox (development only)</h1>
      <p className="mt-1 text-sm text-slate-600">E-mails the portal would have sent. Set SMTP_URL to send them for real.</p>
      {mails.length === 0 ? (
        <p className="mt-6 text-slate-600">The outbox is empty.</p>
      ) : (
        <ol className="mt-6 space-y-4">
          {mails.map((m) => (
            <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="font-semibold">{m.subject}</h2>
              <p className="text-sm text-slate-600">
                {m.sentAt} · to {m.to.join(", ")} · from {m.from}
              </p>
              {m.html && (
                <details className="mt-2">
                  <summary className="cursor-pointer text-sm text-brand-700">As HTML</summary>
                  {/* sandbox="": the mail's markup is shown, never given scripts, forms or the portal's origin. */}
                  <iframe sandbox="" srcDoc={m.html} title={`HTML of "${m.subject}"`} className="mt-2 h-[32rem] w-full rounded border border-slate-200" />
                </details>
              )}
              <pre className="mt-2 text-sm whitespace-pre-wrap">{m.text}</pre>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
