/** Turns an e-mail component into the two bodies every message carries: HTML and plain text. */
import type { ReactElement } from "react";
import { plainTextSelectors, render } from "@react-email/render";
import { DEFAULT_PORTAL_URL } from "../config/env";

export interface RenderedMail {
  html: string;
  text: string;
}

// The heading keeps its case in plain text: upper-casing it would change the sandbox's name as written.
// The button's fallback address is left out there: the button's own words already carry it.
const textSelectors = [...plainTextSelectors, { selector: "h1", options: { uppercase: false } }, { selector: "p.button-fallback", format: "skip" }];

export async function renderMail(mail: ReactElement): Promise<RenderedMail> {
  const [html, text] = await Promise.all([render(mail), render(mail, { plainText: true, htmlToTextOptions: { selectors: textSelectors } })]);
  return { html, text };
}

/** NEXTAUTH_URL as the checks read it (set-variables.ts): set to nothing, it is unset. */
const configuredPortalUrl = (source: Record<string, string | undefined>) => source.NEXTAUTH_URL?.trim() || undefined;

/** The portal's own address for a path, for links in mails (read when sending, so tests and deployments can set it). */
export const portalLink = (path: string) => `${(configuredPortalUrl(process.env) ?? DEFAULT_PORTAL_URL).replace(/\/$/, "")}${path}`;

/**
 * What a process that mails links says at its start when NEXTAUTH_URL is not set, or null. The
 * portal's launcher sets it for the web app and its own worker; a worker started on its own
 * (`npm run worker`, on another machine) does not know the portal's address, and mailed every
 * password link, invitation and notice to DEFAULT_PORTAL_URL without a word.
 */
export function unsetPortalUrlWarning(source: Record<string, string | undefined> = process.env): string | null {
  if (configuredPortalUrl(source)) return null;
  return `NEXTAUTH_URL is not set: the links in the mails this process sends (password links, notices) point at ${DEFAULT_PORTAL_URL}. Set it to the portal's public address.`;
}
