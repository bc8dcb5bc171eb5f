/**
 * The lifecycle events customers can subscribe to. The JSON each carries is
 * WebhookEventSchema (lib/api/schemas.ts), in the API's OpenAPI document.
 */
export const WEBHOOK_EVENTS = ["sandbox.ready", "sandbox.refreshed", "sandbox.failed", "sandbox.deleted"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const EVENT_LABEL: Record<WebhookEvent, string> = {
  "sandbox.ready": "A new sandbox is ready",
  "sandbox.refreshed": "A refresh finished: the sandbox holds the newer copy",
  "sandbox.failed": "A copy, refresh or deletion failed",
  "sandbox.deleted": "A sandbox was deleted",
};

/** The event a finished run causes: a first copy is "ready", a later one "refreshed". */
export function eventOfSucceededRun(kind: "PROVISION" | "REFRESH" | "DELETE"): WebhookEvent {
  if (kind === "DELETE") return "sandbox.deleted";
  return kind === "REFRESH" ? "sandbox.refreshed" : "sandbox.ready";
}
