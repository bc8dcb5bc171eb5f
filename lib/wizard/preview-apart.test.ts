import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { previewPersonalDataApart, type PreviewLimits } from "./preview-apart";
import { PreviewUnavailable, type PreviewInput } from "./personal-data-preview";

const input: PreviewInput = {
  tables: [],
  freeText: [],
  classification: { columns: {}, tables: {}, objects: [] },
  secret: "s",
  invalidationDomain: "example.invalid",
  counted: { people: 0, companies: 0 },
};
const request = { productionUrl: "postgres://nobody@127.0.0.1:1/none", input };
const limits: PreviewLimits = { timeoutMs: 20_000, heapMb: 256, atOnce: 2 };

/** A stand-in for scripts/personal-data-preview.ts: `script` runs in `node -e`. */
const fake = (script: string, ...flags: string[]) => [process.execPath, ...flags, "-e", script];
/** Answers a preview of `people` people after `ms`. */
const answersAfter = (ms: number, people = 1) =>
  fake(`process.once("message", () => setTimeout(() => process.send({ preview: { people: ${people}, companies: 0, freeTextFields: 0, estimated: false, examples: [] } }, () => process.exit(0)), ${ms}))`);

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the review's personal data preview, made in a process of its own", () => {
  it("gives the process's answer", async () => {
    const preview = await previewPersonalDataApart("tenant-answer", request, limits, answersAfter(0, 7));
    expect(preview.people).toBe(7);
  });

  it("is given up at its deadline, in the customer's words", async () => {
    const started = Date.now();
    const error = await refusal(previewPersonalDataApart("tenant-slow", request, { ...limits, timeoutMs: 500 }, fake("setInterval(() => undefined, 1 << 30)")));
    expect(error.code).toBe("PRODUCTION_REFUSED");
    expect(error).toBeInstanceOf(PreviewUnavailable);
    expect(error.userMessage).toContain("took longer than the review waits");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("that runs out of its memory says production holds too much to preview; the web server's memory is untouched", async () => {
    const before = process.memoryUsage().heapUsed;
    const error = await refusal(
      previewPersonalDataApart("tenant-large", request, limits, fake("const kept = []; for (;;) kept.push(new Array(100_000).fill(Math.random()));", "--max-old-space-size=32")),
    );
    expect(error.code).toBe("PRODUCTION_REFUSED");
    expect(error).toBeInstanceOf(PreviewUnavailable);
    expect(error.userMessage).toContain("more personal data than the review can preview");
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 2 ** 20);
  });

  it("that dies without an answer, or answers that production was busy, leaves the rest of the review standing and tells nothing of how", async () => {
    const crashed = await refusal(previewPersonalDataApart("tenant-crash", request, limits, fake("console.error('secret detail'); process.exit(1)")));
    expect(crashed).toBeInstanceOf(PreviewUnavailable);
    expect(crashed.userMessage).toContain("could not be previewed just now");
    expect(crashed.userMessage).not.toContain("secret detail");
    const busy = await refusal(
      previewPersonalDataApart("tenant-busy", request, limits, fake(`process.once("message", () => process.send({ refused: { code: "PRODUCTION_BUSY", message: "busy" } }, () => process.exit(0)))`)),
    );
    expect(busy).toBeInstanceOf(PreviewUnavailable);
    // Production's own content is no fault of the moment: that refusal is the customer's to read.
    const refused = await refusal(
      previewPersonalDataApart("tenant-refused", request, limits, fake(`process.once("message", () => process.send({ refused: { code: "PRODUCTION_REFUSED", message: "A name of 40 words." } }, () => process.exit(0)))`)),
    );
    expect(refused).not.toBeInstanceOf(PreviewUnavailable);
    expect(refused.userMessage).toBe("A name of 40 words.");
  });

  it("is made one at a time per tenant: the same one asked again waits for it, another waits its turn, a third is refused", async () => {
    const ended: string[] = [];
    const other = { ...request, input: { ...input, secret: "another secret" } };
    const first = previewPersonalDataApart("tenant-a", request, limits, answersAfter(800, 1)).then((p) => (ended.push("first"), p));
    // Stepping back and forth in the wizard asks for the same preview again: it is the one being made.
    const again = previewPersonalDataApart("tenant-a", request, limits, answersAfter(0, 9));
    const changed = previewPersonalDataApart("tenant-a", other, limits, answersAfter(0, 2)).then((p) => (ended.push("changed"), p));
    const third = await refusal(previewPersonalDataApart("tenant-a", { ...request, input: { ...input, secret: "a third" } }, limits, answersAfter(0)));
    expect(third).toBeInstanceOf(PreviewUnavailable);
    expect(third.userMessage).toContain("being made already");
    // Another tenant's goes ahead meanwhile.
    await expect(previewPersonalDataApart("tenant-b", request, limits, answersAfter(0, 5))).resolves.toMatchObject({ people: 5 });
    expect(ended).toEqual([]);
    await expect(again).resolves.toMatchObject({ people: 1 });
    await expect(changed).resolves.toMatchObject({ people: 2 });
    await expect(first).resolves.toMatchObject({ people: 1 });
    expect(ended).toEqual(["first", "changed"]);
    // All made, the tenant may ask again.
    await expect(previewPersonalDataApart("tenant-a", request, limits, answersAfter(0, 3))).resolves.toMatchObject({ people: 3 });
  });

  it("waits its turn beyond the previews made at once", async () => {
    const ended: string[] = [];
    const one = { ...limits, atOnce: 1 };
    await Promise.all([
      previewPersonalDataApart("tenant-x", request, one, answersAfter(600)).then(() => ended.push("x")),
      previewPersonalDataApart("tenant-y", request, one, answersAfter(0)).then(() => ended.push("y")),
    ]);
    // y's process answers at once, but starts only once x's has ended.
    expect(ended).toEqual(["x", "y"]);
  });

  it("waits for its turn no longer than its deadline, from the request, and the slot goes on to the next in line", async () => {
    const one = { ...limits, atOnce: 1 };
    const hanging = previewPersonalDataApart("tenant-hold", request, { ...one, timeoutMs: 3_000 }, fake("setInterval(() => undefined, 1 << 30)"));
    const started = Date.now();
    const waited = await refusal(previewPersonalDataApart("tenant-wait", request, { ...one, timeoutMs: 800 }, answersAfter(0)));
    expect(waited).toBeInstanceOf(PreviewUnavailable);
    expect(waited.message).toContain("for other reviews");
    expect(Date.now() - started).toBeLessThan(2_500);
    // The one in line after the one that gave up gets the slot once the hanging one is killed.
    const next = previewPersonalDataApart("tenant-next", request, one, answersAfter(0, 4));
    await refusal(hanging);
    await expect(next).resolves.toMatchObject({ people: 4 });
  });
});

describe("the preview process's environment", () => {
  it("holds none of the web server's secrets, and the limits and logging it needs", async () => {
    const secrets = { DATABASE_URL: "postgres://portal:pw@db/portal", NEXTAUTH_SECRET: "n".repeat(32), DATABASE_SECRETS_KEY: "k", SMTP_URL: "smtps://u:pw@mail", OIDC_CLIENT_SECRET: "o", METRICS_TOKEN: "m".repeat(16), SANDBOX_SERVER_URL: "postgres://maker:pw@s/postgres" };
    const kept = { PRODUCTION_LOCK_TIMEOUT_SECONDS: "7", LOG_LEVEL: "warn", PGSSLMODE: "verify-full" };
    const previous = Object.fromEntries(Object.keys({ ...secrets, ...kept }).map((name) => [name, process.env[name]]));
    Object.assign(process.env, secrets, kept);
    try {
      // The process answers with the environment it was given, as the customer's message.
      const told = await refusal(previewPersonalDataApart("tenant-env", request, limits, fake(`process.once("message", () => process.send({ refused: { code: "PRODUCTION_REFUSED", message: JSON.stringify(process.env) } }, () => process.exit(0)))`)));
      const seen = JSON.parse(told.userMessage) as Record<string, string>;
      for (const name of Object.keys(secrets)) expect(seen[name], name).toBeUndefined();
      expect(seen).toMatchObject(kept);
      expect(seen.PATH).toBe(process.env.PATH);
    } finally {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
