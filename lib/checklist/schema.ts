/** The best-practices checklist: its fixes and manual ticks, shared by the buttons and the actions. Isomorphic. */
import { z } from "zod";

const CHECKLIST_FIXES = ["optIns", "erpAutoSync", "pauseTasks", "resumeKeptTasks", "hideAppPanels"] as const;
export type ChecklistFix = (typeof CHECKLIST_FIXES)[number];

/** Items a person confirms by hand: nothing in the database can tell. */
const CHECKLIST_TICKS = ["apps-signed-up-again", "not-a-backup", "dead-end"] as const;
export type ChecklistTickItem = (typeof CHECKLIST_TICKS)[number];

export const fixChecklistSchema = z.object({
  sandboxId: z.string().trim().min(1),
  fix: z.enum(CHECKLIST_FIXES),
});

export const tickChecklistSchema = z.object({
  sandboxId: z.string().trim().min(1),
  item: z.enum(CHECKLIST_TICKS),
  ticked: z.boolean(),
});

/** What each fix does, in the words the audit log and the confirmation use. */
export const FIX_LABEL: Record<ChecklistFix, string> = {
  optIns: "Set Statistics OptIn and UserSync OptIn to No",
  erpAutoSync: "Turn off ERP automatic sync",
  pauseTasks: "Pause all scheduled tasks",
  resumeKeptTasks: "Resume the scheduled tasks kept enabled in the wizard",
  hideAppPanels: "Hide web panels created by apps",
};
