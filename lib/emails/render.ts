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

/** The portal's own address for a path, for links in mails (read when sending, so tests and deployments can set it). */
export const portalLink = (path: string) => `${(process.env.NEXTAUTH_URL ?? DEFAULT_PORTAL_URL).replace(/\/$/, "")}${path}`;
