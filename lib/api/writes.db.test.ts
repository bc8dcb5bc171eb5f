/**
 * The API's writes go through the page's own services: a refresh and a deletion
 * through the same checks (role, tenant, state, the exact name), with Idempotency-Key
 * making a CI retry safe even when retries race; then progress and the report.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { createToken } = await import("../api-tokens/mutations");
const { loadActor } = await import("../auth/load-actor");
const { POST: refreshRoute } = await import("../../app/api/v1/sandboxes/[id]/refresh/route");
const { DELETE: deleteRoute } = await import("../../app/api/v1/sandboxes/[id]/route");
const { GET: progressRoute } = await import("../../app/api/v1/sandboxes/[id]/progress/route");
const { POST: cancelRoute } = await import("../../app/api/v1/sandboxes/[id]/cancel/route");
const { GET: reportRoute } = await import("../../app/api/v1/sandboxes/[id]/runs/[runId]/report/route");
const { GET: listRoute } = await import("../../app/api/v1/sandboxes/route");
const { ProblemSchema, ProgressSchema, RunCancelledSchema, RunStartedSchema, SandboxPageSchema } = await import("./schemas");
const { idempotent, pruneIdempotencyKeys, UNANSWERED_KEY_MS } = await import("./idempotency");

const OPTIONS = { users: [{ associateId: 1, userPlan: "sales-premium" }], keepEnabledTaskIds: [], invalidationDomain: "example.org" };
let tenantA = "";
let tenantB = "";
let admin = "";
let n = 0;

async function readySandbox(tenantId: string) {
  n++;
  return db.sandbox.create({
    data: { tenantId, orderedById: admin, name: `CI sandbox ${n}`, status: "READY", planCounts: {}, sandboxCustomerId: `Cust7${String(n).padStart(5, "0")}`, options: OPTIONS, databaseName: `sbx_api_${n}` },
    select: { id: true, name: true },
  });
}

async function token(scopes: ("sandboxes:read" | "sandboxes:write" | "reports:read")[]) {
  return (await createToken((await loadActor(admin))!, { name: `ci ${Math.random()}`, expiresInDays: 7, scopes })).token;
}

const request = (method: string, path: string, bearer: string, key?: string) =>
  new Request(`http://portal.test${path}`, { method, headers: { authorization: `Bearer ${bearer}`, ...(key ? { "idempotency-key": key } : {}) } });
const refresh = (bearer: string, id: string, key?: string) => refreshRoute(request("POST", `/api/v1/sandboxes/${id}/refresh`, bearer, key), { params: Promise.resolve({ id }) });

beforeAll(async () => {
  tenantA = (await db.tenant.create({ data: { customerId: "Cust52001", companyName: "Alpha AS", productionUrlEncrypted: "sealed" } })).id;
  tenantB = (await db.tenant.create({ data: { customerId: "Cust52002", companyName: "Beta AB", productionUrlEncrypted: "sealed" } })).id;
  admin = (await db.user.create({ data: { email: "ci-admin@alpha.example", name: "CI Admin", role: "CUSTOMER_ADMIN", tenantId: tenantA, passwordHash: "-" } })).id;
});
afterAll(async () => {
  await stopBoss();
});

const cancel = (bearer: string, id: string) => cancelRoute(request("POST", `/api/v1/sandboxes/${id}/cancel`, bearer), { params: Promise.resolve({ id }) });

describe("cancelling through the API", () => {
  it("cancels a refresh that waits to start, once; needs sandboxes:write, and another tenant's sandbox is 404", async () => {
    const s = await readySandbox(tenantA);
    const writer = await token(["sandboxes:write"]);
    expect((await refresh(writer, s.id)).status).toBe(202);
    expect((await cancel(await token(["sandboxes:read"]), s.id)).status).toBe(403);
    const theirs = await db.sandbox.create({ data: { tenantId: tenantB, orderedById: admin, name: "Theirs to cancel", status: "READY", planCounts: {}, options: OPTIONS, databaseName: "sbx_theirs_cancel" } });
    expect((await cancel(writer, theirs.id)).status).toBe(404);

    const cancelled = await cancel(writer, s.id);
    expect(cancelled.status).toBe(200);
    const run = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id } });
    expect(RunCancelledSchema.parse(await cancelled.json())).toEqual({ runId: run.id, state: "cancelled", links: { progress: `/api/v1/sandboxes/${s.id}/progress` } });
    expect(run).toMatchObject({ status: "FAILED", failureCode: "CANCELLED" });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: s.id } })).status).toBe("READY");
    const progress = await progressRoute(request("GET", "/x", await token(["sandboxes:read"])), { params: Promise.resolve({ id: s.id }) });
    expect(ProgressSchema.parse(await progress.json())).toMatchObject({ sandboxStatus: "READY", run: { id: run.id, kind: "REFRESH", status: "CANCELLED" } });
    const again = await cancel(writer, s.id);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "conflict" });

    // A copy under way is asked to stop; its worker ends it.
    const running = await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status: "RUNNING", options: {}, startedAt: new Date(), heartbeatAt: new Date() } });
    const stopping = await cancel(writer, s.id);
    expect(stopping.status).toBe(200);
    expect(RunCancelledSchema.parse(await stopping.json())).toMatchObject({ runId: running.id, state: "stopping" });
    const followed = await progressRoute(request("GET", "/x", await token(["sandboxes:read"])), { params: Promise.resolve({ id: s.id }) });
    expect(ProgressSchema.parse(await followed.json())).toMatchObject({ run: { id: running.id, status: "RUNNING", stopping: true } });
  });
});

describe("following a run through the API", () => {
  it("follows the run a pipeline started with ?run=, after a newer run has begun too; another sandbox's run, or no id, is 404", async () => {
    const s = await readySandbox(tenantA);
    const writer = await token(["sandboxes:write"]);
    const reader = await token(["sandboxes:read"]);
    const started = await refresh(writer, s.id);
    const { runId } = RunStartedSchema.parse(await started.json());
    // The pipeline's refresh fails; before its next poll, the sandbox's weekly refresh (or a colleague) starts another.
    await db.sandboxRun.update({ where: { id: runId }, data: { status: "FAILED", finishedAt: new Date(), error: "Production was busy.", failureCode: "PRODUCTION_BUSY" } });
    await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status: "QUEUED", options: OPTIONS, createdAt: new Date(Date.now() + 1000) } });
    const follow = (query: string, id = s.id) => progressRoute(request("GET", `/api/v1/sandboxes/${id}/progress${query}`, reader), { params: Promise.resolve({ id }) });
    // The newest run is the other one: by it alone, the pipeline never learnt that its own had failed.
    expect(ProgressSchema.parse(await (await follow("")).json()).run?.id).not.toBe(runId);
    const own = await follow(`?run=${runId}`);
    expect(own.status).toBe(200);
    // The failure's kind as a stable code: a pipeline tells "retry later" from "choose again" without reading the words.
    expect(ProgressSchema.parse(await own.json())).toMatchObject({ run: { id: runId, status: "FAILED", error: "Production was busy.", failureCode: "PRODUCTION_BUSY", retryable: true }, remainingMs: null });

    const other = await readySandbox(tenantA);
    for (const [query, id] of [[`?run=${runId}`, other.id], ["?run=cm0000000000000000000000", s.id], ["?run=x%00", s.id], ["?run=", s.id]] as const) {
      const refused = await follow(query, id);
      expect(refused.status, query).toBe(404);
      expect(ProblemSchema.parse(await refused.json()).code).toBe("not_found");
    }
  });
});

describe("a failed run's code through the API", () => {
  it("gives the public code of the stored kind, operators' kinds only as NEEDS_OPERATOR, and none for a run that did not fail", async () => {
    const s = await readySandbox(tenantA);
    const reader = await token(["sandboxes:read"]);
    const follow = async (runId: string) =>
      ProgressSchema.parse(await (await progressRoute(request("GET", `/api/v1/sandboxes/${s.id}/progress?run=${runId}`, reader), { params: Promise.resolve({ id: s.id }) })).json()).run!;
    const run = (status: "FAILED" | "SUCCEEDED", failureCode: string | null) =>
      db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status, options: OPTIONS, finishedAt: new Date(), error: status === "FAILED" ? "Words." : null, failureCode } });
    expect(await follow((await run("FAILED", "INVALID_OPTIONS")).id)).toMatchObject({ failureCode: "INVALID_OPTIONS", retryable: false });
    expect(await follow((await run("FAILED", "SANDBOX_SERVER_ROLE")).id)).toMatchObject({ failureCode: "NEEDS_OPERATOR", retryable: false });
    expect(await follow((await run("FAILED", null)).id)).toMatchObject({ failureCode: "UNEXPECTED", retryable: true });
    expect(await follow((await run("FAILED", "CANCELLED")).id)).toMatchObject({ status: "CANCELLED", failureCode: null, retryable: null });
    expect(await follow((await run("SUCCEEDED", null)).id)).toMatchObject({ failureCode: null, retryable: null });
  });
});

describe("a run queued again for a retry, through the API", () => {
  it("has no error while it waits: the last attempt's reason is in waiting, as why it waits, until the run ends", async () => {
    const s = await readySandbox(tenantA);
    const reader = await token(["sandboxes:read"]);
    const words = "Production was busy. The copy will be retried at 2026-12-01 10:00 UTC.";
    const retrying = await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status: "QUEUED", options: OPTIONS, attempts: 1, error: words } });
    const follow = async () =>
      ProgressSchema.parse(await (await progressRoute(request("GET", `/api/v1/sandboxes/${s.id}/progress?run=${retrying.id}`, reader), { params: Promise.resolve({ id: s.id }) })).json()).run!;
    // A pipeline reading a non-null error as a failure stopped here, while the run was still to be retried.
    expect(await follow()).toMatchObject({ status: "QUEUED", error: null, waiting: words, failureCode: null });
    await db.sandboxRun.update({ where: { id: retrying.id }, data: { status: "FAILED", finishedAt: new Date(), error: "Production was busy. It was tried 3 times; retry later.", failureCode: "PRODUCTION_BUSY" } });
    expect(await follow()).toMatchObject({ status: "FAILED", error: "Production was busy. It was tried 3 times; retry later.", waiting: null, failureCode: "PRODUCTION_BUSY" });
  });
});

describe("refreshing through the API", () => {
  it("needs sandboxes:write, and another tenant's sandbox is 404", async () => {
    const mine = await readySandbox(tenantA);
    const reader = await token(["sandboxes:read"]);
    expect((await refresh(reader, mine.id)).status).toBe(403);
    const writer = await token(["sandboxes:write"]);
    const theirs = await db.sandbox.create({ data: { tenantId: tenantB, orderedById: admin, name: "Theirs", status: "READY", planCounts: {}, options: OPTIONS, databaseName: "sbx_theirs" } });
    const other = await refresh(writer, theirs.id);
    expect(other.status).toBe(404);
    expect(await db.sandboxRun.count({ where: { sandboxId: { in: [mine.id, theirs.id] } } })).toBe(0);
  });

  it("starts one run however many retries race with the same Idempotency-Key, and replays its answer", async () => {
    const s = await readySandbox(tenantA);
    const writer = await token(["sandboxes:write"]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(writer, s.id, "ci-build-4711")));
    expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(1);
    const run = await db.sandboxRun.findFirstOrThrow({ where: { sandboxId: s.id } });
    // The first answer (or its replay), or "still being answered" for a retry that raced it: never a
    // second run, never a 500, and never the one-run-at-a-time refusal (run_in_progress), which is
    // what retries would get if the key were ignored and each request tried to start its own run.
    expect(answers.map((a) => a.status).filter((status) => status === 202).length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) {
      expect([202, 409]).toContain(answer.status);
      if (answer.status === 202) {
        expect((await answer.json()).runId).toBe(run.id);
        // Where to follow the run started (RFC 9110 Location): its own progress, by its id.
        expect(answer.headers.get("location")).toBe(`/api/v1/sandboxes/${s.id}/progress?run=${run.id}`);
      }
      else expect(await answer.json()).toMatchObject({ code: "conflict", detail: "A request with this Idempotency-Key is still being answered; try again shortly." });
    }
    // The run finishes; CI, having lost the first answer, retries with the same key: no second refresh.
    await db.sandboxRun.update({ where: { id: run.id }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    await db.sandbox.update({ where: { id: s.id }, data: { status: "READY" } });
    const replayed = await refresh(writer, s.id, "ci-build-4711");
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.headers.get("location")).toBe(`/api/v1/sandboxes/${s.id}/progress?run=${run.id}`);
    expect(RunStartedSchema.parse(await replayed.json())).toMatchObject({ runId: run.id, links: { progress: `/api/v1/sandboxes/${s.id}/progress` } });
    expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "sandbox.refresh.requested", targetId: s.id } })).toBe(1);

    // A new key is a new refresh; while it runs, another is the page's own refusal.
    expect((await refresh(writer, s.id, "ci-build-4712")).status).toBe(202);
    const again = await refresh(writer, s.id);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "run_in_progress" });
    // The same key for another request is refused.
    const other = await readySandbox(tenantA);
    const reused = await refresh(writer, other.id, "ci-build-4711");
    expect(reused.status).toBe(422);
    expect(await db.sandboxRun.count({ where: { sandboxId: other.id } })).toBe(0);
  });

  it("keeps no key for a refused request: sent again once the run in progress has ended, the same key starts the refresh", async () => {
    const s = await readySandbox(tenantA);
    const writer = await token(["sandboxes:write"]);
    const running = await db.sandboxRun.create({ data: { sandboxId: s.id, kind: "REFRESH", status: "RUNNING", options: OPTIONS } });
    const busy = await refresh(writer, s.id, "ci-build-5000");
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ code: "run_in_progress" });
    await db.sandboxRun.update({ where: { id: running.id }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    const started = await refresh(writer, s.id, "ci-build-5000");
    expect(started.status).toBe(202);
    expect(started.headers.get("idempotent-replayed")).toBeNull();
    expect(await db.sandboxRun.count({ where: { sandboxId: s.id } })).toBe(2);
  });

  it("frees a key whose answer was never kept after a few minutes, and drops keys past their day", async () => {
    const s = await readySandbox(tenantA);
    const writer = await token(["sandboxes:write"]);
    const tokenId = (await db.apiToken.findFirstOrThrow({ orderBy: { createdAt: "desc" }, select: { id: true } })).id;
    // A process that died between starting the refresh and keeping its answer.
    const fingerprint = createHash("sha256").update(`POST /api/v1/sandboxes/${s.id}/refresh\n`).digest("hex");
    await db.apiIdempotencyKey.create({ data: { tokenId, key: "lost-answer", fingerprint, createdAt: new Date(Date.now() - 60_000) } });
    expect((await refresh(writer, s.id, "lost-answer")).status).toBe(409);
    await db.apiIdempotencyKey.update({ where: { tokenId_key: { tokenId, key: "lost-answer" } }, data: { createdAt: new Date(Date.now() - UNANSWERED_KEY_MS - 1000) } });
    expect((await refresh(writer, s.id, "lost-answer")).status).toBe(202);

    const kept = await db.apiIdempotencyKey.count();
    expect(await pruneIdempotencyKeys(new Date(Date.now() + 60_000))).toBe(0);
    expect(await pruneIdempotencyKeys(new Date(Date.now() + 25 * 3_600_000))).toBe(kept);
    expect(await db.apiIdempotencyKey.count({ where: { tokenId } })).toBe(0);
  });

  it("dates a key's claim by the database's clock: a retry on another instance while an instance running 10 minutes behind still answers gets 409, not a second start", async () => {
    await token(["sandboxes:write"]);
    const tokenId = (await db.apiToken.findFirstOrThrow({ orderBy: { createdAt: "desc" }, select: { id: true } })).id;
    const caller = { actor: (await loadActor(admin))!, token: { id: tokenId, name: "ci", scopes: ["sandboxes:write" as const] } };
    const post = () => new Request("http://portal.test/api/v1/sandboxes/x/refresh", { method: "POST", headers: { "idempotency-key": "slow-instance" } });
    let started!: () => void;
    const working = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const work = vi.fn(async () => {
      if (work.mock.calls.length === 1) {
        started();
        await finished;
      }
      return new Response("{}", { status: 202, headers: { "content-type": "application/json" } });
    });
    // The first request, on an instance whose clock runs 10 minutes behind the database's: still working.
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() - 10 * 60_000);
    let first: Promise<Response>;
    try {
      first = idempotent(caller, post(), work);
      await working;
    } finally {
      vi.useRealTimers();
    }
    // The client's retry reaches an instance whose clock agrees with the database: the key is taken, not abandoned.
    expect((await idempotent(caller, post(), work)).status).toBe(409);
    expect(work).toHaveBeenCalledTimes(1);
    finish();
    expect((await first).status).toBe(202);
  });

  it("refuses the same key with another request with 422 even while the first is still being answered; the same request then gets 409", async () => {
    await token(["sandboxes:write"]);
    const tokenId = (await db.apiToken.findFirstOrThrow({ orderBy: { createdAt: "desc" }, select: { id: true } })).id;
    const caller = { actor: (await loadActor(admin))!, token: { id: tokenId, name: "ci", scopes: ["sandboxes:write" as const] } };
    const post = (path: string) => new Request(`http://portal.test${path}`, { method: "POST", headers: { "idempotency-key": "in-flight" } });
    let started!: () => void;
    const working = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const work = vi.fn(async () => {
      started();
      await finished;
      return new Response("{}", { status: 202, headers: { "content-type": "application/json" } });
    });
    const first = idempotent(caller, post("/api/v1/sandboxes/a/refresh"), work);
    await working;
    const other = await idempotent(caller, post("/api/v1/sandboxes/b/refresh"), work);
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: "invalid_input", detail: "This Idempotency-Key was used for another request." });
    const same = await idempotent(caller, post("/api/v1/sandboxes/a/refresh"), work);
    expect(same.status).toBe(409);
    expect(await same.json()).toMatchObject({ code: "conflict" });
    expect(work).toHaveBeenCalledTimes(1);
    finish();
    expect((await first).status).toBe(202);
  });

  it("deletes only with the exact name, and reports progress and the report to tokens with those scopes", async () => {
    const s = await readySandbox(tenantA);
    const all = await token(["sandboxes:read", "sandboxes:write", "reports:read"]);
    const del = (name: string) => deleteRoute(request("DELETE", `/api/v1/sandboxes/${s.id}?confirmName=${encodeURIComponent(name)}`, all), { params: Promise.resolve({ id: s.id }) });
    const wrong = await del("ci sandbox");
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ code: "invalid_input", errors: { confirmName: [`Type the name exactly: ${s.name}`] } });
    expect((await del(s.name)).status).toBe(202);
    const progress = await progressRoute(request("GET", `/api/v1/sandboxes/${s.id}/progress`, all), { params: Promise.resolve({ id: s.id }) });
    expect(ProgressSchema.parse(await progress.json())).toMatchObject({ sandboxStatus: "DELETING", run: { kind: "DELETE", status: "QUEUED" } });

    const finished = await db.sandboxRun.create({
      data: { sandboxId: s.id, kind: "REFRESH", status: "SUCCEEDED", options: OPTIONS, startedAt: new Date(), finishedAt: new Date(), report: { rules: [], checks: [], tables: [] } },
    });
    const report = (format = "") => reportRoute(request("GET", `/api/v1/sandboxes/${s.id}/runs/${finished.id}/report${format}`, all), { params: Promise.resolve({ id: s.id, runId: finished.id }) });
    expect((await report()).status).toBe(200);
    expect((await report("?format=csv")).headers.get("content-type")).toContain("text/csv");
    const readerOnly = await token(["sandboxes:read"]);
    expect((await reportRoute(request("GET", "/x", readerOnly), { params: Promise.resolve({ id: s.id, runId: finished.id }) })).status).toBe(403);
  });
});

describe("listing through the API", () => {
  it("filters by the status answers show, a deletion under way too, and refuses a parameter it cannot read rather than list everything", async () => {
    const kept = await readySandbox(tenantA);
    const going = await readySandbox(tenantA);
    await db.sandboxRun.create({ data: { sandboxId: going.id, kind: "DELETE", status: "QUEUED", options: {} } });
    const reader = await token(["sandboxes:read"]);
    const list = (query: string) => listRoute(request("GET", `/api/v1/sandboxes?${query}`, reader), { params: Promise.resolve({}) });
    const names = async (query: string) => {
      const answer = await list(query);
      expect(answer.status).toBe(200);
      return SandboxPageSchema.parse(await answer.json()).data.map((s) => s.name);
    };
    const deleting = await names("status=DELETING");
    expect(deleting).toContain(going.name);
    expect(deleting).not.toContain(kept.name);
    const ready = await names("status=READY");
    expect(ready).toContain(kept.name);
    expect(ready).not.toContain(going.name);

    // Read as no filter, each of these listed every sandbox (or, for a NUL, answered 500).
    for (const [query, param] of [["status=DELETNG", "status"], ["q=a%00b", "q"], ["orderer=a%00b", "orderer"], ["from=2026-02-31", "from"], ["sort=size", "sort"], ["after=not-a-cursor", "after"], ["deleted=true", "deleted"]] as const) {
      const refused = await list(query);
      expect(refused.status, query).toBe(422);
      expect(Object.keys(ProblemSchema.parse(await refused.json()).errors ?? {}), query).toEqual([param]);
    }
    // A day no sandbox can be from is a day like any other (year 0 answered 500).
    expect(await names("from=0000-01-01")).toContain(kept.name);
    expect(await names("to=0000-01-01")).toEqual([]);
    expect(await names("to=9999-12-31")).toContain(kept.name);
  });

  it("refuses a parameter it does not take (a misspelt name, a page size), naming it, rather than list every sandbox", async () => {
    const kept = await readySandbox(tenantA);
    const going = await readySandbox(tenantA);
    await db.sandboxRun.create({ data: { sandboxId: going.id, kind: "DELETE", status: "QUEUED", options: {} } });
    const reader = await token(["sandboxes:read"]);
    const list = (query: string) => listRoute(request("GET", `/api/v1/sandboxes?${query}`, reader), { params: Promise.resolve({}) });
    // Read as no filter, `state=DELETING` listed the sandbox being kept too: a pipeline deleting what it lists deleted it.
    for (const [query, params] of [["state=DELETING", ["state"]], ["status=DELETING&limit=5", ["limit"]], ["Status=READY&page=2", ["Status", "page"]]] as const) {
      const refused = await list(query);
      expect(refused.status, query).toBe(422);
      const problem = ProblemSchema.parse(await refused.json());
      expect(Object.keys(problem.errors ?? {}).sort(), query).toEqual([...params].sort());
      expect(problem.errors?.[params[0]]?.[0]).toContain("q, status, customer, orderer, from, to, sort, after, before, deleted");
    }
    const listed = await list("status=DELETING&sort=-created");
    expect(listed.status).toBe(200);
    const names = SandboxPageSchema.parse(await listed.json()).data.map((s) => s.name);
    expect(names).toContain(going.name);
    expect(names).not.toContain(kept.name);
  });

  it("refuses a forged cursor whose value or id the database cannot compare with 422, never a 500", async () => {
    await readySandbox(tenantA);
    const reader = await token(["sandboxes:read"]);
    const forged = (value: unknown, id: string) => Buffer.from(JSON.stringify([value, id])).toString("base64url");
    // Each is well-formed JSON of the right shape: a NUL (which PostgreSQL compares in no text) or year 0 (which it has not).
    for (const query of [
      `sort=name&after=${forged("a\u0000b", "cm0000000000000000000000")}`,
      `after=${forged("2026-01-01T00:00:00.000Z", "cm00\u000000")}`,
      `before=${forged("2026-01-01T00:00:00.000Z", "cm00\u000000")}`,
      `after=${forged("0000-01-01T00:00:00.000Z", "cm0000000000000000000000")}`,
      `sort=refreshed&after=${forged("0000-01-01T00:00:00.000Z", "cm0000000000000000000000")}`,
    ]) {
      const refused = await listRoute(request("GET", `/api/v1/sandboxes?${query}`, reader), { params: Promise.resolve({}) });
      expect(refused.status, query).toBe(422);
      expect(Object.keys(ProblemSchema.parse(await refused.json()).errors ?? {}), query).toEqual([query.includes("before=") ? "before" : "after"]);
    }
  });
});
