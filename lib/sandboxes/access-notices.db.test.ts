/**
 * The people given access in the wizard: their grants follow each copy, they are
 * told by e-mail at the address production holds for them (and in the portal
 * when they have an account), and a customer user sees exactly the sandboxes
 * their address has access to.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/policy";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { makeTempDir } from "../testing/temp-dir";

process.env.SANDBOX_SIGN_IN_URL_TEMPLATE = "https://crm.example.test/sandbox/{sandboxCustomerId}/login";
usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { notifyRunFinished } = await import("./run-finished-notices");
const { listSandboxes, getSandboxForActor } = await import("./queries");
const { listOpenAccess } = await import("./access");
const { ACCESS_MAILS_PER_ADDRESS_PER_DAY, ACCESS_MAILS_PER_TENANT_PER_DAY, mailboxOf } = await import("./access-notices");

let world: World;
let outbox = "";
let sandboxId = "";
const people: { id: number; email: string; fullName: string; username: string }[] = [];

interface Sent { to: string[]; subject: string; text: string; html: string }
async function mails(): Promise<Sent[]> {
  const files = await readdir(outbox).catch(() => [] as string[]);
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(outbox, f), "utf8")) as Sent));
}
const mailsTo = async (address: string) => (await mails()).filter((m) => m.to.includes(address));

async function finish(kind: "PROVISION" | "REFRESH" | "DELETE", users: { associateId: number; userPlan: string }[]) {
  const options = { users, invalidationDomain: "mailinator.com" };
  await db.sandbox.update({
    where: { id: sandboxId },
    data: kind === "DELETE" ? { status: "DELETED", deletedAt: new Date(), databaseName: null } : { status: "READY", databaseName: "sbx_x", snapshotAt: new Date(), options },
  });
  const run = await db.sandboxRun.create({
    data: { sandboxId, kind, status: "SUCCEEDED", options: kind === "DELETE" ? {} : options, startedAt: new Date(), finishedAt: new Date() },
  });
  await notifyRunFinished(run.id);
}

const customerUser = (id: string, email: string): Actor => ({ id, email, name: email, role: "CUSTOMER_USER", tenantId: world.tenantA, tenantName: "Alpha AS", customerId: "Cust40001" });

describe("access to a sandbox", () => {
  beforeAll(async () => {
    outbox = await makeTempDir("outbox-");
    process.env.OUTBOX_DIR = outbox;
    world = await buildWorld();
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: world.productionUrl });
    await client.connect();
    const { rows } = await client.query<{ id: number; email: string; full_name: string; username: string }>(
      "SELECT id, email, full_name, username FROM associate WHERE email LIKE '%@%' ORDER BY id LIMIT 2",
    );
    await client.end();
    people.push(...rows.map((r) => ({ id: r.id, email: r.email.toLowerCase(), fullName: r.full_name, username: r.username })));
    sandboxId = (await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Access UAT", planCounts: { "sales-premium": 2 }, orderedById: world.users.adminA, sandboxCustomerId: "Cust912345", status: "QUEUED" },
    })).id;
  });
  afterAll(async () => {
    const { stopBoss } = await import("../jobs/queue");
    await stopBoss();
  });

  it("tells each person by e-mail, at production's address, which sandbox, plan and sign-in address", async () => {
    const [anna, bo] = people as [(typeof people)[0], (typeof people)[0]];
    // Anna has a portal account (same address, other case); Bo does not.
    const annaAccount = await db.user.create({ data: { email: anna.email.toUpperCase(), name: "Anna", role: "CUSTOMER_USER", tenantId: world.tenantA, passwordHash: "-" } });
    await finish("PROVISION", [
      { associateId: anna.id, userPlan: "sales-premium" },
      { associateId: bo.id, userPlan: "sales-premium" },
    ]);

    const [toAnna] = await mailsTo(anna.email);
    expect(toAnna?.subject).toBe('You have access to the sandbox "Access UAT"');
    expect(toAnna?.text).toContain("Sales Premium");
    expect(toAnna?.text).toContain("https://crm.example.test/sandbox/Cust912345/login");
    // Production's own words (a name, a username) are not mailed under the portal's sender.
    expect(toAnna?.text).toContain("Your username: the one you use in production");
    expect(toAnna?.text).not.toContain(anna.fullName);
    expect(toAnna?.html).toContain("https://crm.example.test/sandbox/Cust912345/login");
    expect(await mailsTo(bo.email)).toHaveLength(1);
    // The orderer's "ready" mail carries the sign-in address too.
    const ready = (await mailsTo("admin@alpha.example")).find((m) => m.subject.includes("is ready"));
    expect(ready?.text).toContain("https://crm.example.test/sandbox/Cust912345/login");
    // …and says who was given access, on which plan.
    expect(ready?.text).toMatch(/Who has access: .*\(Sales Premium\).*\(Sales Premium\)/);

    const notes = await db.notification.findMany({ where: { userId: annaAccount.id } });
    expect(notes.map((n) => [n.message, n.link])).toEqual([['You have access to the sandbox "Access UAT"', `/sandboxes/${sandboxId}`]]);
    expect((await listOpenAccess(sandboxId)).map((a) => a.associateId).sort()).toEqual([anna.id, bo.id].sort());

    // Anna's account sees the sandbox (read-only: her role holds only sandbox.view); another customer user does not.
    const annaActor = customerUser(annaAccount.id, annaAccount.email);
    expect((await listSandboxes(annaActor)).rows.map((s) => s.id)).toEqual([sandboxId]);
    expect(await getSandboxForActor(annaActor, sandboxId)).not.toBeNull();
    const other = customerUser(world.users.userA, "user@alpha.example");
    expect((await listSandboxes(other)).rows).toEqual([]);
    expect(await getSandboxForActor(other, sandboxId)).toBeNull();
  });

  it("tells them again after a refresh, and tells those left out that their access ended", async () => {
    const [anna, bo] = people as [(typeof people)[0], (typeof people)[0]];
    await finish("REFRESH", [{ associateId: bo.id, userPlan: "complete" }]);
    const toBo = (await mailsTo(bo.email)).map((m) => m.subject);
    expect(toBo).toContain('The sandbox "Access UAT" has been refreshed');
    expect((await mailsTo(bo.email)).find((m) => m.subject.includes("refreshed"))?.text).toContain("Complete plan");
    expect((await mailsTo(anna.email)).map((m) => m.subject)).toContain('Your access to the sandbox "Access UAT" has ended');
    const annaAccount = await db.user.findFirstOrThrow({ where: { email: { equals: anna.email, mode: "insensitive" } } });
    expect(await getSandboxForActor(customerUser(annaAccount.id, annaAccount.email), sandboxId)).toBeNull();
  });

  it("tells everyone still with access when the sandbox is deleted, and ends every grant", async () => {
    const [, bo] = people as [(typeof people)[0], (typeof people)[0]];
    await finish("DELETE", []);
    expect((await mailsTo(bo.email)).map((m) => m.subject)).toContain('The sandbox "Access UAT" has been deleted');
    expect(await listOpenAccess(sandboxId)).toEqual([]);
  });

  it("tells a person given access to a pseudonymised sandbox the made-up username the copy holds for them, and lists it on its page", async () => {
    const anna = people[0]!;
    const pseudonymised = (await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Fake UAT", planCounts: { "sales-premium": 1 }, orderedById: world.users.adminA, sandboxCustomerId: "Cust912347", status: "READY", databaseName: "sbx_y" },
    })).id;
    const options = { users: [{ associateId: anna.id, userPlan: "sales-premium" }], invalidationDomain: "mailinator.com", personalData: "pseudonymise" };
    // The copy's report says what the copy holds for her (provision.ts): not production's username.
    const report = { signInNames: [{ id: anna.id, username: "claud.voigt" }] };
    const run = await db.sandboxRun.create({ data: { sandboxId: pseudonymised, kind: "PROVISION", status: "SUCCEEDED", options, report, startedAt: new Date(), finishedAt: new Date() } });
    await notifyRunFinished(run.id);
    const mail = (await mailsTo(anna.email)).find((m) => m.subject === 'You have access to the sandbox "Fake UAT"');
    expect(mail?.text).toContain("Your username: claud.voigt (made up for this sandbox");
    expect(mail?.text).not.toContain(anna.username);
    expect(await listOpenAccess(pseudonymised)).toEqual([expect.objectContaining({ associateId: anna.id, username: "claud.voigt", fullName: anna.fullName })]);

    // The pseudonymiser keeps the words of a username that are no name: one that could spell an address is not mailed.
    const spelled = { signInNames: [{ id: anna.id, username: "login-micros0ft.com" }] };
    const again = await db.sandboxRun.create({ data: { sandboxId: pseudonymised, kind: "REFRESH", status: "SUCCEEDED", options, report: spelled, startedAt: new Date(), finishedAt: new Date() } });
    await notifyRunFinished(again.id);
    const refreshed = (await mailsTo(anna.email)).find((m) => m.subject === 'The sandbox "Fake UAT" has been refreshed');
    expect(refreshed?.text).toContain("on the sandbox's page");
    expect(refreshed?.text).not.toContain("micros0ft");
  });

  it("mails an address at most 10 times a day, and a tenant at most its daily bound: production chooses the addresses", async () => {
    const [anna, bo] = people as [(typeof people)[0], (typeof people)[0]];
    sandboxId = (await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Loop UAT", planCounts: { "sales-premium": 2 }, orderedById: world.users.adminA, sandboxCustomerId: "Cust912346", status: "QUEUED" },
    })).id;
    const before = (await mailsTo(bo.email)).length;
    const sentBefore = await db.accessMailSent.count({ where: { tenantId: world.tenantA, email: bo.email } });
    for (let i = 0; i < 12; i++) await finish(i === 0 ? "PROVISION" : "REFRESH", [{ associateId: bo.id, userPlan: "sales-premium" }]);
    expect((await mailsTo(bo.email)).length - before).toBe(ACCESS_MAILS_PER_ADDRESS_PER_DAY - sentBefore);

    // The tenant one mail short of its bound: of two people newly given access, one is mailed.
    const filler = ACCESS_MAILS_PER_TENANT_PER_DAY - 1 - (await db.accessMailSent.count({ where: { tenantId: world.tenantA } }));
    await db.accessMailSent.createMany({ data: Array.from({ length: filler }, (_, i) => ({ tenantId: world.tenantA, email: `someone${i}@elsewhere.example`, sentAt: new Date() })) });
    const annaBefore = (await mailsTo(anna.email)).length;
    await finish("REFRESH", [
      { associateId: anna.id, userPlan: "sales-premium" },
      { associateId: bo.id, userPlan: "sales-premium" },
    ]);
    expect((await mailsTo(anna.email)).length - annaBefore).toBe(1);
    expect(await db.accessMailSent.count({ where: { tenantId: world.tenantA } })).toBe(ACCESS_MAILS_PER_TENANT_PER_DAY);
    // Operators hear that mails were withheld.
    expect(await db.alert.findUnique({ where: { key: `access-mails-withheld:${world.tenantA}` } })).toMatchObject({ detail: expect.stringMatching(/^1 of the people given access were not mailed/) });
  });

  it("gives an admin who also has access one notice of a refresh or a deletion, not the same news twice", async () => {
    const bo = people[1]!;
    const admin = await db.user.create({ data: { email: bo.email, name: "Bo Admin", role: "CUSTOMER_ADMIN", tenantId: world.tenantA, passwordHash: "-" } });
    try {
      await finish("REFRESH", [{ associateId: bo.id, userPlan: "sales-premium" }]);
      const notes = await db.notification.findMany({ where: { userId: admin.id } });
      expect(notes.map((n) => n.message)).toEqual([expect.stringMatching(/^Sandbox ".+" has been refreshed$/)]);
      await finish("DELETE", []);
      expect(await db.notification.count({ where: { userId: admin.id, message: { contains: "has been deleted" } } })).toBe(1);
    } finally {
      await db.user.update({ where: { id: admin.id }, data: { disabledAt: new Date() } });
    }
  });

  it("counts an address's sub-addresses as its mailbox: production may name kari+1@, kari+2@, …", () => {
    expect(mailboxOf("Kari+1@Firma.no")).toBe("kari@firma.no");
    expect(mailboxOf("kari+a+b@firma.no")).toBe("kari@firma.no");
    expect(mailboxOf("kari@firma.no")).toBe("kari@firma.no");
  });
});
