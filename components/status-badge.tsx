import { SANDBOX_STATUS_LABEL, type ShownStatus } from "@/lib/sandboxes/labels";

const TONE: Record<ShownStatus, string> = {
  AWAITING_SETUP: "bg-amber-100 text-amber-900",
  QUEUED: "bg-slate-200 text-slate-800",
  PROVISIONING: "bg-blue-100 text-blue-900",
  READY: "bg-green-100 text-green-900",
  REFRESHING: "bg-blue-100 text-blue-900",
  FAILED: "bg-red-100 text-red-900",
  DELETING: "bg-amber-100 text-amber-900",
  DELETED: "bg-slate-100 text-slate-600",
  CANCELLED: "bg-slate-100 text-slate-600",
  NOT_CREATED: "bg-slate-200 text-slate-800",
};

export function StatusBadge({ status }: { status: ShownStatus }) {
  return <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${TONE[status]}`}>{SANDBOX_STATUS_LABEL[status]}</span>;
}
