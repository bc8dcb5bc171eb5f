/**
 * A sign-in under way while the account's password is set anew. It read the old password's
 * hash and found the password right; the new password landed (every session ended) while its
 * hash was being checked; then it opened its session. That session must not outlive the new
 * password: whoever stole the old one only had to keep signing in (right passwords are never
 * throttled) to be in the middle of a sign-in when the owner reset it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type * as PasswordModule from "./password";

/** Where a sign-in waits once its password was checked, while the test changes the password. */
const hold = vi.hoisted(() => ({ next: null as null | { checked: () => void; resume: Promise<void> } }));

vi.mock("./password", async (importOriginal) => {
  const real = await importOriginal<typeof PasswordModule>();
  return {
    ...real,
    // A hash check takes its time (argon2id, a busy server): the password can change meanwhile.
    verifyPassword: async (hash: string, password: string) => {
      const right = await real.verifyPassword(hash, password);
      const held = hold.next;
      hold.next = null;
      if (held) {
        held.checked();
        await held.resume;
      }
      return right;
    },
  };
});

usePortalDatabase();

const { db } = await import("../db/portal");
const { hashPassword } = await import("./password");
const { authOptions } = await import("./options");
const { loadSessionActor } = await import("./load-actor");
const { issuePasswordLink } = await import("./password-links");
const { resetPassword } = await import("./password-reset");

type Authorize = (raw: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string; email: string; twoFactor?: boolean }>;

const OLD = "the password somebody stole";
const NEW = "the owner's brand new password";
let outbox = "";

/** A sign-in through the e-mail-and-password provider, as next-auth runs it: authorize, then the jwt callback opens the session. */
async function signIn(email: string, password: string, whileChecked?: () => Promise<void>) {
  const options = authOptions();
  const provider = options.providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: Authorize } };
  let signingIn: Promise<Awaited<ReturnType<Authorize>>>;
  if (whileChecked) {
    let checked!: () => void;
    let resume!: () => void;
    const reached = new Promise<void>((resolve) => (checked = resolve));
    hold.next = { checked, resume: new Promise<void>((resolve) => (resume = resolve)) };
    signingIn = provider.options.authorize({ email, password }, { headers: { "x-forwarded-for": "192.0.2.150" } });
    await reached;
    await whileChecked();
    resume();
  } else {
    signingIn = provider.options.authorize({ email, password }, { headers: { "x-forwarded-for": "192.0.2.150" } });
  }
  const user = await signingIn;
  const account = { provider: "credentials", type: "credentials", providerAccountId: user.id };
  const token = await options.callbacks!.jwt!({ token: { sub: user.id }, user, account, trigger: "signIn" } as never);
  return loadSessionActor(user.id, token.sid, token.authAt, token.twoFactor);
}

describe("a sign-in under way while the password is set anew", () => {
  let userId = "";
  const email = "victim@race.example";
  beforeAll(async () => {
    outbox = await mkdtemp(path.join(tmpdir(), "race-outbox-"));
    vi.stubEnv("OUTBOX_DIR", outbox);
    userId = (await db.user.create({ data: { email, name: "Victim", role: "CUSTOMER_USER", passwordHash: await hashPassword(OLD) } })).id;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(outbox, { recursive: true, force: true });
  });

  it("opens a session when nothing changed meanwhile", async () => {
    expect(await signIn(email, OLD)).toMatchObject({ id: userId });
  });

  it("opens none that outlives the new password: the owner's reset by a mailed link lands while the old password's check runs", async () => {
    const opened = await signIn(email, OLD, async () => {
      const token = await issuePasswordLink(db, userId, new Date(), 30);
      await resetPassword({ token, newPassword: NEW, confirmPassword: NEW });
    });
    expect(opened).toBeNull();
    expect(await db.userSession.count({ where: { userId, endedAt: null } })).toBe(0);
    // The new password signs in as ever.
    expect(await signIn(email, NEW)).toMatchObject({ id: userId });
  });
});
