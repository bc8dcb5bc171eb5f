import { revalidatePath } from "next/cache";

/** After a change to a sandbox or its order: its page, and the lists that show it, are read again. */
export function revalidateSandbox(sandboxId: string): void {
  revalidatePath(`/sandboxes/${sandboxId}`);
  revalidatePath("/sandboxes");
  revalidatePath("/orders");
}
