import type { SandboxStatus } from "../generated/portal/enums";

export const SANDBOX_STATUS_LABEL: Record<SandboxStatus, string> = {
  AWAITING_SETUP: "Awaiting setup",
  QUEUED: "Queued",
  PROVISIONING: "Provisioning",
  READY: "Ready",
  REFRESHING: "Refreshing",
  FAILED: "Failed",
  DELETED: "Deleted",
};
