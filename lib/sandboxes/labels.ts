/**
 * The one status a sandbox shows, everywhere (list, badge, orders, progress).
 * The sandbox's own status is moved with its runs by lib/jobs/lifecycle.ts; the
 * one thing it does not say is a deletion under way (the copy stays usable until
 * it is dropped), so that is derived from the active run here, once.
 */
import type { RunKind, SandboxStatus } from "../generated/portal/enums";

export type ShownStatus = SandboxStatus | "DELETING";

export const SANDBOX_STATUS_LABEL: Record<ShownStatus, string> = {
  AWAITING_SETUP: "Awaiting setup",
  QUEUED: "Queued",
  PROVISIONING: "Provisioning",
  READY: "Ready",
  REFRESHING: "Refreshing",
  FAILED: "Failed",
  DELETING: "Being deleted",
  DELETED: "Deleted",
  CANCELLED: "Cancelled",
  NOT_CREATED: "Not created",
};

/** What to show for a sandbox whose queued or running run (if any) is of `activeRunKind`. */
export function shownStatus(status: SandboxStatus, activeRunKind: RunKind | null | undefined): ShownStatus {
  return activeRunKind === "DELETE" && status !== "DELETED" ? "DELETING" : status;
}

/** A run of each kind, as a noun: "the last refresh failed", "cancel this creation". */
export const RUN_NOUN: Record<RunKind, string> = { PROVISION: "creation", REFRESH: "refresh", DELETE: "deletion" };
