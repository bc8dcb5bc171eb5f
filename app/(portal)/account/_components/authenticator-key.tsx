"use client";

import { QrCode } from "@/components/qr-code";
import { OpeningHeading } from "./opening-heading";

/** The key as people type it into an app: in groups of four. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)!.join(" ");

/**
 * A key offered to an authenticator app (at set-up, or for a new phone): its QR code, the
 * key to type, and a link for the phone the page is open on.
 */
export function AuthenticatorKey({ heading, email, secret, uri }: { heading: string; email: string; secret: string; uri: string }) {
  return (
    <section aria-labelledby="two-factor-key-heading" className="rounded-md border border-slate-200 bg-white p-4">
      <OpeningHeading id="two-factor-key-heading">{heading}</OpeningHeading>
      <p className="mt-1 text-sm text-slate-600">
        Scan the QR code with the app, or add an account there by the key below (time-based), or on this phone{" "}
        <a href={uri} className="text-brand-700 underline">
          open it in the app
        </a>
        . It is shown as Sandbox Portal ({email}).
      </p>
      {/* Side by side where there is room; on a phone the key wraps below the code. */}
      <div className="mt-3 flex flex-wrap items-center gap-4">
        <QrCode value={uri} label="QR code of the key for your authenticator app" testId="two-factor-qr" className="shrink-0" />
        <p className="grow basis-40 font-mono text-lg tracking-wider" data-testid="two-factor-key">
          {grouped(secret)}
        </p>
      </div>
    </section>
  );
}
