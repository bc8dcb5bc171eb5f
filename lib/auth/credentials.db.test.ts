import { beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { hashPassword } = await import("./password");
const { checkCredentials } = await import("./credentials");
const { ADDRESS_FAILURE_FACTOR, clearPasswordLocks, clientBlock } = await import("./throttle");
const { metrics } = await import("../observability/metrics");
const { knownDeviceKeys, newDeviceValue } = await import("./known-device");

/** A known-device cookie's value: when it was given (base 36), its nonce, its signature. */
const DEVICE_VALUE = /^[0-9a-z]+\.[\w-]{22}\.[\w-]{43}$/;

const failuresCounted = async (reason: string) =>
  (await metrics().signInFailures.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

describe("sign-in with e-mail and password", () => {
  beforeAll(async () => {
    process.env.LOGIN_MAX_FAILURES = "3";
    await db.user.create({
      data: { email: "ada@example.com", name: "Ada", role: "CUSTOMER_USER", passwordHash: await hashPassword("correct horse battery") },
    });
    await db.user.create({
      data: { email: "bob@example.com", name: "Bob", role: "CUSTOMER_ADMIN", passwordHash: await hashPassword("another good password") },
    });
  });

  it("accepts the right password, whatever the e-mail's case, and returns no hash", async () => {
    const result = await checkCredentials("  ADA@example.com ", "correct horse battery");
    expect(result.ok).toBe(true);
    expect(result.ok && result.user).toEqual(expect.objectContaining({ email: "ada@example.com", role: "CUSTOMER_USER" }));
    expect(JSON.stringify(result)).not.toContain("argon2");
  });

  it("gives the same answer for a wrong password and an unknown e-mail, and counts both", async () => {
    const counted = await failuresCounted("invalid");
    const wrong = await checkCredentials("bob@example.com", "nope", "10.0.0.1");
    const unknown = await checkCredentials("nobody@example.com", "nope", "10.0.0.2");
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual({ ok: false, reason: "invalid" });
    expect(await failuresCounted("invalid")).toBe(counted + 2);
  });

  it("locks an account for the address that failed on it, until the lock ends", async () => {
    for (let i = 0; i < 3; i++) await checkCredentials("ada@example.com", `wrong ${i}`, "192.0.2.1");
    const locked = await checkCredentials("ada@example.com", "correct horse battery", "192.0.2.1");
    expect(locked.ok).toBe(false);
    expect(!locked.ok && locked.reason).toBe("throttled");
    await db.loginThrottle.updateMany({ data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await checkCredentials("ada@example.com", "correct horse battery", "192.0.2.1")).ok).toBe(true);
  });

  it("times its windows and locks by the database's clock: wrong passwords on an app instance whose machine runs an hour ahead lock for the lock's minutes, not an hour more", async () => {
    // One instance's machine, its clock an hour ahead of the database's (and the other instances').
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 60 * 60_000);
    try {
      for (let i = 0; i < 4; i++) await checkCredentials("ada@example.com", `wrong ${i}`, "203.0.113.7");
    } finally {
      vi.useRealTimers();
    }
    const databaseTime = (await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`)[0]!.now.getTime();
    const lock = await db.loginThrottle.findFirstOrThrow({ where: { key: { contains: "203.0.113.7" }, lockedUntil: { not: null } } });
    // LOGIN_LOCK_MINUTES (15) by the clock every instance shares.
    expect(lock.lockedUntil!.getTime() - databaseTime).toBeLessThanOrEqual(15 * 60_000 + 30_000);
    await db.loginThrottle.deleteMany({ where: { key: { contains: "203.0.113.7" } } });
  });

  it("never locks the owner out with failures from other addresses", async () => {
    // An attacker failing on the operator's account, from one address and from many.
    for (let i = 0; i < 3; i++) await checkCredentials("bob@example.com", `wrong ${i}`, "198.51.100.1");
    for (let i = 0; i < 6; i++) await checkCredentials("bob@example.com", `wrong ${i}`, `198.51.100.${10 + i}`);
    expect(!(await checkCredentials("bob@example.com", "another good password", "198.51.100.1")).ok).toBe(true);
    expect((await checkCredentials("bob@example.com", "another good password", "192.0.2.50")).ok).toBe(true);
  });

  it("locks a client address that sprays many accounts", async () => {
    // LOGIN_MAX_FAILURES (3) × ADDRESS_FAILURE_FACTOR failures, each on another account.
    for (let i = 0; i < 3 * ADDRESS_FAILURE_FACTOR; i++) await checkCredentials(`victim${i}@example.com`, "guess", "203.0.113.7");
    const result = await checkCredentials("ada@example.com", "correct horse battery", "203.0.113.7");
    expect(!result.ok && result.reason).toBe("throttled");
    expect((await checkCredentials("ada@example.com", "correct horse battery", "203.0.113.8")).ok).toBe(true);
  });

  it("checks no more passwords than the limit when a burst of guesses arrives at once", async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => checkCredentials("ada@example.com", `burst ${i}`, "192.0.2.200")));
    // LOGIN_MAX_FAILURES (3): each guess is counted before its password is checked.
    expect(answers.filter((a) => !a.ok && a.reason === "invalid")).toHaveLength(3);
    expect(answers.filter((a) => !a.ok && a.reason === "throttled")).toHaveLength(17);
  });

  it("counts an IPv6 client by its /64, which one subscriber holds whole", async () => {
    expect(clientBlock("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientBlock("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientBlock("::ffff:192.0.2.9")).toBe("192.0.2.9");
    expect(clientBlock("2001:db8::")).toBe("2001:db8:0:0::/64");
    // IPv4 in other IPv6 spellings is no subscriber's /64: each address counts apart.
    expect(clientBlock("::ffff:c000:209")).toBe("::ffff:c000:209");
    expect(clientBlock("::192.0.2.9")).not.toBe(clientBlock("::192.0.2.10"));
    for (let i = 0; i < 3; i++) await checkCredentials("bob@example.com", `v6 ${i}`, `2001:db8:5:6::${i + 1}`);
    const sameBlock = await checkCredentials("bob@example.com", "another good password", "2001:db8:5:6:ffff::9");
    expect(!sameBlock.ok && sameBlock.reason).toBe("throttled");
    expect((await checkCredentials("bob@example.com", "another good password", "2001:db8:5:7::1")).ok).toBe(true);
  });

  it("counts an attempt refused by a lock nowhere: a locked colleague retrying does not lock the office's address", async () => {
    for (let i = 0; i < 3; i++) await checkCredentials("ada@example.com", `typo ${i}`, "192.0.2.77");
    for (let i = 0; i < 20; i++) expect(await checkCredentials("ada@example.com", "correct horse battery", "192.0.2.77")).toMatchObject({ reason: "throttled" });
    expect((await checkCredentials("bob@example.com", "another good password", "192.0.2.77")).ok).toBe(true);
  });

  it("lets a browser that signed in to the account before past the address's locks, which anyone sharing the address can set; its own wrong passwords lock only it", async () => {
    const office = "198.51.100.60";
    // Ada signed in from this browser last week (anywhere): it holds her known-device cookie.
    const earlier = await checkCredentials("ada@example.com", "correct horse battery", "192.0.2.61");
    const adasBrowser = earlier.ok ? earlier.device : "";
    expect(adasBrowser).toMatch(DEVICE_VALUE);
    // Someone behind the office's address sprays other accounts, and fails on Ada's too, until both locks hold.
    for (let i = 0; i < 3 * ADDRESS_FAILURE_FACTOR; i++) await checkCredentials(`sprayed${i}@example.com`, "guess", office);
    for (let i = 0; i < 3; i++) await checkCredentials("ada@example.com", `guess ${i}`, office);
    expect(await checkCredentials("ada@example.com", "correct horse battery", office)).toMatchObject({ reason: "throttled" });
    // Ada's browser signs in there all the same, and is given a new cookie; the lock someone else earned on her account there stays.
    const known = await checkCredentials("ada@example.com", "correct horse battery", office, undefined, adasBrowser);
    expect(known).toMatchObject({ ok: true, device: expect.stringMatching(DEVICE_VALUE) });
    expect(await checkCredentials("ada@example.com", "correct horse battery", office)).toMatchObject({ reason: "throttled" });
    // Her cookie is hers: it opens no lock for Bob, and neither does a forged or altered one for her.
    expect(await checkCredentials("bob@example.com", "another good password", office, undefined, adasBrowser)).toMatchObject({ reason: "throttled" });
    const at = adasBrowser.length - 5;
    const altered = `${adasBrowser.slice(0, at)}${adasBrowser[at] === "A" ? "B" : "A"}${adasBrowser.slice(at + 1)}`;
    for (const forged of [altered, "x.y.z", `${Date.now().toString(36)}.${"A".repeat(22)}.${"A".repeat(43)}`]) {
      expect(await checkCredentials("ada@example.com", "correct horse battery", office, undefined, forged)).toMatchObject({ reason: "throttled" });
    }
    // Wrong passwords typed in that browser (LOGIN_MAX_FAILURES, 3) lock the browser's own key: it is then a client as any other.
    const next = known.ok ? known.device : "";
    for (let i = 0; i < 3; i++) expect(await checkCredentials("ada@example.com", `typo ${i}`, "192.0.2.62", undefined, next)).toMatchObject({ reason: "invalid" });
    expect(await checkCredentials("ada@example.com", "correct horse battery", office, undefined, next)).toMatchObject({ reason: "throttled" });
    // Elsewhere, with no lock on the address or the account there, it signs in.
    expect((await checkCredentials("ada@example.com", "correct horse battery", "192.0.2.63", undefined, next)).ok).toBe(true);
  });

  it("gives all of an account's known browsers together an address's allowance, however many cookies were collected", async () => {
    await db.user.create({ data: { email: "cy@example.com", name: "Cy", role: "CUSTOMER_USER", passwordHash: await hashPassword("cy's good password") } });
    const cookies: string[] = [];
    for (let i = 0; i < 8; i++) {
      const signedIn = await checkCredentials("cy@example.com", "cy's good password", `192.0.2.${100 + i}`);
      cookies.push(signedIn.ok ? signedIn.device : "");
    }
    // Each cookie's own allowance is 3 (LOGIN_MAX_FAILURES); all of them together, 12 (× ADDRESS_FAILURE_FACTOR).
    let checked = 0;
    for (const cookie of cookies) {
      for (let i = 0; i < 3; i++) {
        const answer = await checkCredentials("cy@example.com", `collected guess ${checked}`, "203.0.113.90", undefined, cookie);
        if (!answer.ok && answer.reason === "invalid") checked++;
      }
    }
    // Past the twelve, the cookies are counted as this address's: its account lock took three more.
    expect(checked).toBe(3 * ADDRESS_FAILURE_FACTOR + 3);
    // A new password set with a mailed link lifts the known browsers' lock with the others: the owner's next browser is known again.
    const cy = await db.user.findUniqueOrThrow({ where: { email: "cy@example.com" }, select: { id: true } });
    expect(await db.loginThrottle.findUnique({ where: { key: `devices-of:${cy.id}` } })).toMatchObject({ lockedUntil: expect.any(Date) });
    await clearPasswordLocks("cy@example.com");
    expect(await db.loginThrottle.findUnique({ where: { key: `devices-of:${cy.id}` } })).toBeNull();
    const fresh = await checkCredentials("cy@example.com", "cy's good password", "192.0.2.130");
    expect(await checkCredentials("cy@example.com", "cy's good password", "203.0.113.90", undefined, fresh.ok ? fresh.device : "")).toMatchObject({ ok: true });
  });

  it("lifts the locks of the account that set a new password only, not of others its address matches as a LIKE pattern", async () => {
    // "_" is LIKE's any character, and an address may hold it: a colleague's new password lifted the locks on "a.b@…".
    await db.user.create({ data: { email: "a.b@locks.example", name: "Ab", role: "CUSTOMER_USER", passwordHash: await hashPassword("a.b's good password") } });
    for (let i = 0; i < 3; i++) await checkCredentials("a.b@locks.example", "wrong", "198.51.100.40");
    const locked = await db.loginThrottle.findUniqueOrThrow({ where: { key: "account:a.b@locks.example|198.51.100.40" } });
    await clearPasswordLocks("a_b@locks.example");
    expect(await db.loginThrottle.findUnique({ where: { key: locked.key } })).toEqual(locked);
    await clearPasswordLocks("a.b@locks.example");
    expect(await db.loginThrottle.findUnique({ where: { key: locked.key } })).toBeNull();
  });

  it("takes no cookie given before the account's password last changed, or older than 90 days", async () => {
    const dee = await db.user.create({ data: { email: "dee@example.com", name: "Dee", role: "CUSTOMER_USER", passwordHash: await hashPassword("dee's first password") } });
    const signedIn = await checkCredentials("dee@example.com", "dee's first password", "192.0.2.120");
    const cookie = signedIn.ok ? signedIn.device : "";
    const account = await db.user.findUniqueOrThrow({ where: { id: dee.id }, select: { id: true, passwordChangedAt: true } });
    expect(knownDeviceKeys(account, cookie)).not.toBeNull();
    await db.user.update({ where: { id: dee.id }, data: { passwordHash: await hashPassword("dee's new password"), passwordChangedAt: new Date() } });
    const changed = await db.user.findUniqueOrThrow({ where: { id: dee.id }, select: { id: true, passwordChangedAt: true } });
    expect(knownDeviceKeys(changed, cookie)).toBeNull();
    const old = newDeviceValue(changed, new Date(Date.now() - 91 * 86_400_000));
    expect(knownDeviceKeys(changed, old)).toBeNull();
    expect(knownDeviceKeys(changed, newDeviceValue(changed, new Date(Date.now() - 89 * 86_400_000)))).not.toBeNull();
  });

  it("never locks an address for its good sign-ins", async () => {
    for (let i = 0; i < 3 * ADDRESS_FAILURE_FACTOR + 5; i++) expect((await checkCredentials("bob@example.com", "another good password", "192.0.2.88")).ok).toBe(true);
    await checkCredentials("bob@example.com", "one typo", "192.0.2.88");
    expect((await checkCredentials("bob@example.com", "another good password", "192.0.2.88")).ok).toBe(true);
  });
});
