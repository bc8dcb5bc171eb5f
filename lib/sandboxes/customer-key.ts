/** A sandbox's own tenant key (installation.customer_id of the copy): shaped like a real one, unique across the fleet. */
import { randomInt } from "node:crypto";
import { db } from "../db/portal";

export async function newSandboxCustomerId(): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = `Cust9${randomInt(0, 100_000).toString().padStart(5, "0")}`;
    const [sandbox, tenant] = await Promise.all([
      db.sandbox.findUnique({ where: { sandboxCustomerId: candidate }, select: { id: true } }),
      db.tenant.findUnique({ where: { customerId: candidate }, select: { id: true } }),
    ]);
    if (!sandbox && !tenant) return candidate;
  }
  throw new Error("could not find a free sandbox customer id");
}
