/**
 * Who may cancel a run, or stop its copy under way: who may start one of its kind. Plain
 * data, so the sandbox page can offer the button without loading the job layer.
 */
import type { Permission } from "../auth/policy";
import type { RunKind } from "../generated/portal/enums";

export const CANCEL_PERMISSION: Readonly<Record<RunKind, Permission>> = { PROVISION: "sandbox.retry", REFRESH: "sandbox.refresh", DELETE: "sandbox.delete" };
