/** Inputs of the sandbox page's actions, shared by the forms and the actions. Isomorphic: no server imports. */
import { z } from "zod";

const sandboxId = z.string().trim().min(1, "Missing sandbox.");

export const sandboxIdSchema = z.object({ sandboxId });

/** `onlyIfQueued`: the button was a waiting run's cancel, which must not stop one that has started since. */
export const cancelRunSchema = z.object({ sandboxId, onlyIfQueued: z.boolean().optional() });

export const deleteSandboxSchema = z.object({
  sandboxId,
  confirmName: z.string().min(1, "Type the sandbox's name to confirm."),
});

/** Day of the month for the regular refresh; empty = no regular refresh. 28 at most so every month has it. */
export const autoRefreshSchema = z.object({
  sandboxId,
  day: z.preprocess(
    (v) => (v === "" || v === undefined ? null : v),
    z.coerce.number({ error: "Choose a day from 1 to 28." }).int().min(1, "Choose a day from 1 to 28.").max(28, "Choose a day from 1 to 28.").nullable(),
  ),
});

export type DeleteSandboxInput = z.input<typeof deleteSandboxSchema>;
