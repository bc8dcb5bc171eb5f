import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { hashPassword } = await import("./password");
const { checkCredentials } = await import("./credentials");
const { enrolTwoFactor } = await import("./two-factor");
const { totpCode } = await import("./totp");
const { loadActor } = await import("./load-actor");

const PASSWORD = "a long staff password";
const now = () => Math.floor(Date.now() / 1000);

async function makeUser(email: string, role: "OPERATOR" | "SALES_REP" | "CUSTOMER_ADMIN") {
  return db.user.create({ data: { email, name: email, role, passwordHash: await hashPassword(PASSWORD) }, select: { id: true, email: true } });
}

describe("two-factor sign-in", () => {
  let operator: { id: string; email: string };
  let secret = "";
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    process.env.LOGIN_MAX_FAILURES = "5"; // read once, on the first query
    operator = await makeUser("op@2fa.example", "OPERATOR");
    ({ secret, recoveryCodes } = await enrolTwoFactor(operator));
  });
  // Each test starts from a fresh time step: replay protection would otherwise refuse the previous test's code.
  beforeEach(async () => {
    await db.user.update({ where: { id: operator.id }, data: { totpLastTimeStep: null } });
  });

  it("refuses staff without two-factor set up, even with the right password", async () => {
    await makeUser("rep@2fa.example", "SALES_REP");
    expect(await checkCredentials("rep@2fa.example", PASSWORD)).toEqual({ ok: false, reason: "enrolmentRequired" });
    // The right password is no failed attempt: asking again and again locks nothing.
    for (let i = 0; i < 8; i++) expect(await checkCredentials("rep@2fa.example", PASSWORD, "192.0.2.61")).toEqual({ ok: false, reason: "enrolmentRequired" });
  });

  it("asks enrolled staff for a code, and accepts the current one once", async () => {
    expect(await checkCredentials(operator.email, PASSWORD)).toEqual({ ok: false, reason: "codeRequired" });
    const code = await totpCode(secret);
    const first = await checkCredentials(operator.email, PASSWORD, "198.51.100.1", code);
    expect(first).toMatchObject({ ok: true, twoFactor: true, user: { id: operator.id } });
    expect(JSON.stringify(first)).not.toContain(secret);
    // A replayed code (shoulder-surfed, phished, or from the browser's history) is refused.
    expect(await checkCredentials(operator.email, PASSWORD, "198.51.100.2", code)).toEqual({ ok: false, reason: "invalidCode" });
  });

  it("accepts the neighbouring time step (clock drift) but not older codes, nor a wrong one", async () => {
    expect((await checkCredentials(operator.email, PASSWORD, undefined, await totpCode(secret, now() - 30))).ok).toBe(true);
    await db.user.update({ where: { id: operator.id }, data: { totpLastTimeStep: null } });
    expect(await checkCredentials(operator.email, PASSWORD, undefined, await totpCode(secret, now() - 120))).toEqual({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(operator.email, PASSWORD, undefined, "000000")).toMatchObject({ ok: false });
  });

  it("counts wrong codes as failed sign-ins, so codes cannot be guessed past the throttle", async () => {
    const guesser = await makeUser("guessed@2fa.example", "OPERATOR");
    const { secret: guessedSecret } = await enrolTwoFactor(guesser);
    // Locks are per account and client address (lib/auth/throttle.ts): wrong codes count like wrong passwords.
    for (let i = 0; i < 5; i++) await checkCredentials(guesser.email, PASSWORD, "192.0.2.7", "123456");
    const result = await checkCredentials(guesser.email, PASSWORD, "192.0.2.7", await totpCode(guessedSecret));
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("counts an account's wrong codes from every address: guessing from many addresses gets no more tries", async () => {
    const guesser = await makeUser("spread@2fa.example", "OPERATOR");
    const { secret: spreadSecret } = await enrolTwoFactor(guesser);
    // LOGIN_MAX_FAILURES (5) × 2 wrong codes, each from another address: none of them is locked.
    for (let i = 0; i < 10; i++) expect(await checkCredentials(guesser.email, PASSWORD, `198.51.100.${i + 1}`, "123456")).toMatchObject({ reason: "invalidCode" });
    const next = await checkCredentials(guesser.email, PASSWORD, "198.51.100.99", await totpCode(spreadSecret));
    expect(next).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("never locks an address, or the account's codes, for its good sign-ins with a code", async () => {
    const regular = await makeUser("daily@2fa.example", "OPERATOR");
    const { secret: dailySecret } = await enrolTwoFactor(regular);
    // More than the codes' allowance (2 × LOGIN_MAX_FAILURES) and the account's, in one window.
    for (let i = 0; i < 12; i++) {
      await db.user.update({ where: { id: regular.id }, data: { totpLastTimeStep: null } });
      expect(await checkCredentials(regular.email, PASSWORD, "192.0.2.62")).toMatchObject({ reason: "codeRequired" });
      expect((await checkCredentials(regular.email, PASSWORD, "192.0.2.62", await totpCode(dailySecret))).ok).toBe(true);
    }
  });

  it("takes each recovery code once, in any case and spacing", async () => {
    const [code] = recoveryCodes as [string];
    expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect((await checkCredentials(operator.email, PASSWORD, undefined, ` ${code.toUpperCase().replace(/-/g, " ")} `)).ok).toBe(true);
    expect(await checkCredentials(operator.email, PASSWORD, undefined, code)).toEqual({ ok: false, reason: "invalidCode" });
    expect(await checkCredentials(operator.email, PASSWORD, undefined, "aaaa-bbbb-cccc-dddd")).toEqual({ ok: false, reason: "invalidCode" });
    const stored = await db.recoveryCode.findMany({ where: { userId: operator.id }, select: { codeHash: true } });
    expect(stored).toHaveLength(10);
    expect(stored.some((r) => recoveryCodes.some((c) => r.codeHash.includes(c.replace(/-/g, ""))))).toBe(false);
  });

  it("ends every session of the account when its second factor is replaced (the old secret may have leaked)", async () => {
    const other = await makeUser("replaced@2fa.example", "OPERATOR");
    await enrolTwoFactor(other);
    const open = await db.userSession.create({ data: { userId: other.id } });
    await enrolTwoFactor(other);
    expect((await db.userSession.findUniqueOrThrow({ where: { id: open.id } })).endedAt).not.toBeNull();
  });

  it("keeps the secret sealed at rest", async () => {
    const row = await db.user.findUniqueOrThrow({ where: { id: operator.id }, select: { totpSecretEncrypted: true } });
    expect(row.totpSecretEncrypted).toMatch(/^v\d:/);
    expect(row.totpSecretEncrypted).not.toContain(secret);
  });

  it("refuses staff sessions that passed no second factor, and keeps customers' sessions", async () => {
    expect(await loadActor(operator.id, now(), false)).toBeNull();
    expect(await loadActor(operator.id, now(), true)).toMatchObject({ id: operator.id, role: "OPERATOR" });
    const customer = await makeUser("cust@2fa.example", "CUSTOMER_ADMIN");
    expect(await loadActor(customer.id, now(), false)).toMatchObject({ id: customer.id });
  });
});

describe("two-factor for customers (optional)", () => {
  it("signs customers in without a code until two-factor is set up, then asks for one", async () => {
    const customer = await makeUser("opt@2fa.example", "CUSTOMER_ADMIN");
    expect(await checkCredentials(customer.email, PASSWORD)).toMatchObject({ ok: true, twoFactor: false });
    const { secret } = await enrolTwoFactor(customer);
    expect(await checkCredentials(customer.email, PASSWORD)).toEqual({ ok: false, reason: "codeRequired" });
    expect(await checkCredentials(customer.email, PASSWORD, undefined, await totpCode(secret))).toMatchObject({ ok: true, twoFactor: true });
  });
});
