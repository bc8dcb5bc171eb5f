import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { TimeZoneProvider } from "@/components/time-zone";
import { viewerTimeZone } from "@/lib/viewer-time-zone";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Sandbox Portal", template: "%s · Sandbox Portal" },
  description: "Order and manage sanitized copies of your CRM production database.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so that Next.js can put this request's
  // CSP nonce (proxy.ts) on its scripts: a prerendered page's scripts would be blocked.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <TimeZoneProvider zone={await viewerTimeZone()}>{children}</TimeZoneProvider>
      </body>
    </html>
  );
}
