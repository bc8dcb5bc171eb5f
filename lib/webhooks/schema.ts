/**
 * The "new endpoint" form and the row buttons, checked the same in the browser and
 * on the server. Whether the address is on a private network is the server's
 * check (lib/webhooks/targets.ts), as it needs the operator's allowance.
 */
import { z } from "zod";
import { plainText } from "../actions/plain-text";
import { WEBHOOK_EVENTS } from "./events";

/** What is wrong with an endpoint address on its face, or null. */
export function endpointUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter a full address, such as https://ci.example.com/hooks/sandbox.";
  }
  if (url.protocol !== "https:") return "The address must start with https://: events are signed, but their contents still need TLS.";
  if (url.username || url.password) return "Leave the user name and password out of the address; the signature proves the sender.";
  return null;
}

export const newEndpointSchema = z.object({
  url: plainText()
    .min(1, "Enter the address that receives the events.")
    .max(2048, "Keep the address under 2,048 characters.")
    .superRefine((url, ctx) => {
      const problem = endpointUrlProblem(url);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  description: plainText().max(200, "Keep the description under 200 characters.").default(""),
  events: z.array(z.enum(WEBHOOK_EVENTS, { error: "Choose from the listed events." }), { error: "Choose at least one event." }).min(1, "Choose at least one event.").max(WEBHOOK_EVENTS.length, "Choose each event at most once."),
});
export type NewEndpointInput = z.input<typeof newEndpointSchema>;

export const endpointIdSchema = z.object({ id: z.string().min(1) });
export const deliveryIdSchema = z.object({ id: z.string().min(1) });
