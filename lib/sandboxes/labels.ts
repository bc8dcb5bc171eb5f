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

export function formatBytes(bytes: bigint | number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  let n = Number(bytes);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
