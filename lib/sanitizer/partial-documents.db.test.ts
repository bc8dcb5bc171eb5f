/**
 * Rule 17 with rule 9: a partial copy that takes documents from a date on. A document
 * left out by its date is not in the sandbox, so nothing it names is needed there: the
 * company or contact it names at a company outside the share must not be pulled in
 * through it. The copy reads the rows it pulls in from the copied rows, but a table
 * that pulls in more than a list can carry (MAX_PULLED_IN) follows its children's
 * tables on production in SQL instead: there, documents left out by their date pulled
 * their companies into the sandbox all the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { generateProduction, newSandboxName, rows, sandboxUrl, withClient } from "../testing/sanitizer-fixtures";
import { EMPTY_CLASSIFICATION } from "./classification";
import { MAX_PULLED_IN } from "./partial-pulled-in";
import { provisionSandbox } from "./provision";
import type { SandboxOptionsInput } from "./options";

let prod: string;
const made: string[] = [];
let chosen: number, chosenContact: number;
/** A company outside the share that only a document older than the chosen date names. */
let hidden: number;
/** More companies outside the share than a list carries, each named by a ticket of the chosen contact. */
const PULLED = MAX_PULLED_IN + 1;

async function provision(documents: SandboxOptionsInput["documents"]) {
  const name = newSandboxName();
  made.push(name);
  await provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90031",
    serviceMailboxAddress: "support@sandbox.example",
    options: { kind: "partial", share: { by: "companies", ids: [chosen] }, users: [{ associateId: 1, userPlan: "complete" }], documents },
    classification: EMPTY_CLASSIFICATION,
  });
  return sandboxUrl(name);
}

const ids = async (url: string, sql: string) => (await rows<{ id: number }>(url, sql)).map((r) => Number(r.id));

beforeAll(async () => {
  prod = await generateProduction(31);
  await withClient(prod, async (c) => {
    chosen = (await c.query<{ id: number }>("SELECT min(company_id) AS id FROM contact")).rows[0]!.id;
    chosenContact = (await c.query<{ id: number }>("SELECT min(id) AS id FROM contact WHERE company_id = $1", [chosen])).rows[0]!.id;
    hidden = (
      await c.query<{ id: number }>("INSERT INTO company (name, email, owner_id, created_at, updated_at) VALUES ('Hidden Holding AS', 'board@hidden.example', 1, now(), now()) RETURNING id")
    ).rows[0]!.id;
    // An old document of the chosen contact, filed under the hidden company.
    await c.query(
      `INSERT INTO document (company_id, contact_id, owner_id, file_name, mime_type, content, size_bytes, created_at)
       VALUES ($1, $2, 1, 'old-offer.pdf', 'application/pdf', 'x', 1, '2001-01-01T00:00:00Z')`,
      [hidden, chosenContact],
    );
    // Tickets of the chosen contact, each filed under a company of its own outside the share:
    // more companies pulled in than a list carries.
    await c.query(
      `WITH made AS (
         INSERT INTO company (name, owner_id, created_at, updated_at) SELECT 'Customer ' || g, 1, now(), now() FROM generate_series(1, $1) g RETURNING id)
       INSERT INTO ticket (title, status, priority, company_id, contact_id, created_at, updated_at)
       SELECT 'Question', 'closed', 'low', id, $2, now(), now() FROM made`,
      [PULLED, chosenContact],
    );
    await c.query("ANALYZE");
  });
}, 120_000);

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await dropTestDatabase(prod);
});

describe("a partial copy that takes documents from a date on, pulling in more companies than a list carries", () => {
  it("copies no company that only a document left out by its date names", async () => {
    const url = await provision({ mode: "since", since: "2010-01-01" });
    expect(await ids(url, "SELECT id FROM document WHERE created_at < '2010-01-01'")).toEqual([]);
    // The companies the copied tickets name are there: the copy took the closure's SQL form for them.
    expect(await ids(url, "SELECT count(*) AS id FROM company WHERE name LIKE 'Customer %'")).toEqual([PULLED]);
    expect(await ids(url, "SELECT id FROM company WHERE id = " + String(hidden))).toEqual([]);
  }, 180_000);

  it("copies that company when its document is copied", async () => {
    const url = await provision({ mode: "all" });
    expect(await ids(url, "SELECT id FROM company WHERE id = " + String(hidden))).toEqual([hidden]);
  }, 180_000);
});
