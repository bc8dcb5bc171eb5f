/**
 * The web's order form and the operator CLI's sandbox:create are two doors to
 * one service: each bad order below is refused by both, at the same field, and
 * neither leaves anything behind.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction } = await import("./actions");
const { createSandbox } = await import("../../scripts/ops/sandbox-create");
const { EMPTY_PLAN_COUNTS } = await import("./schema");

let world: World;

type Plans = Partial<typeof EMPTY_PLAN_COUNTS>;
interface BadOrder {
  why: string;
  name?: string;
  plans?: Plans;
  note?: string;
  /** The form field that must carry the refusal, and the CLI flag that names it. */
  field: "name" | "planCounts" | "note";
}

const FLAG = { name: "--name", planCounts: "--plans", note: "--note" } as const;
const TAKEN = "Taken Name";

const BAD_ORDERS: BadOrder[] = [
  { why: "a name of two characters", name: "ab", field: "name" },
  { why: "a name of 41 characters", name: "N".repeat(41), field: "name" },
  { why: "a name with punctuation", name: "UAT; DROP", field: "name" },
  { why: "a name starting with a space-like hyphen", name: "-UAT", field: "name" },
  { why: "a name taken in another case", name: TAKEN.toLowerCase(), field: "name" },
  { why: "no plan at all", plans: {}, field: "planCounts" },
  { why: "101 of one plan", plans: { complete: 101 }, field: "planCounts" },
  { why: "251 plans in all", plans: { complete: 100, marketing: 100, "sales-premium": 51 }, field: "planCounts" },
  { why: "a negative count", plans: { complete: 2, marketing: -1 }, field: "planCounts" },
  { why: "a fractional count", plans: { complete: 1.5 }, field: "planCounts" },
  { why: "a note over 500 characters", note: "n".repeat(501), field: "note" },
];

const plansOf = (bad: BadOrder): Plans => bad.plans ?? { "sales-premium": 1 };
const nameOf = (bad: BadOrder) => bad.name ?? "Valid name";

async function viaWeb(bad: BadOrder) {
  signInAs(world.users.adminA);
  return createOrderAction({
    name: nameOf(bad),
    planCounts: { ...EMPTY_PLAN_COUNTS, ...plansOf(bad) },
    note: bad.note ?? "",
    acknowledgeDeadEnd: true,
    acknowledgeNotBackup: true,
  });
}

async function viaCli(bad: BadOrder): Promise<string> {
  const plans = Object.entries(plansOf(bad)).map(([plan, n]) => `${plan}=${n}`).join(",");
  const flags = { "customer-id": "Cust40001", name: nameOf(bad), plans: plans || "complete=0", as: "admin@alpha.example", ...(bad.note ? { note: bad.note } : {}) };
  const error = await createSandbox(flags).then(() => null, (e: unknown) => e);
  expect(error, "the CLI must refuse").toBeInstanceOf(Error);
  expect((error as Error).name).toBe("CliError");
  return (error as Error).message;
}

describe("the web and the CLI refuse the same bad orders", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    world = await buildWorld();
    signInAs(world.users.adminA);
    const taken = await createOrderAction({ name: TAKEN, planCounts: { ...EMPTY_PLAN_COUNTS, complete: 1 }, note: "", acknowledgeDeadEnd: true, acknowledgeNotBackup: true });
    expect(taken.ok).toBe(true);
  });

  it.each(BAD_ORDERS)("$why", async (bad) => {
    const before = await db.sandbox.count();
    const web = await viaWeb(bad);
    expect(web).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    // The web keys a plan's error by the plan ("planCounts.complete"); the CLI has one flag for all plans.
    const fields = web.ok === false ? Object.keys(web.fieldErrors ?? {}) : [];
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) expect(field.split(".")[0]).toBe(bad.field);

    const cli = await viaCli(bad);
    expect(cli).toContain(`${FLAG[bad.field]}:`);
    // The same words as the web shows beside its field.
    const webWords = web.ok === false ? web.fieldErrors?.[fields[0]!]?.[0] : undefined;
    expect(cli).toContain(webWords);

    expect(await db.sandbox.count()).toBe(before);
  });
});
