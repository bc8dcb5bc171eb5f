/**
 * Rule 18 in the contract audit (see contract-audit.db.test.ts): pseudonymised copies
 * hold no production name, phone, address or e-mail address in any text column, equal
 * stays equal, a partial copy takes the full copy's pseudonyms, and every value rule 18
 * does not name is production's (rule 13).
 */
import { describe, expect, it } from "vitest";
import { cloneDatabase, newSandboxName, rows, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";
import { auditInput, useAuditProduction } from "../testing/contract-audit-production";
import { auditSandbox, expectDependants, FULL, holdsWord, personalValues, type AuditExpect, type Row } from "../testing/contract-audit-checks";
import { provisionSandbox } from "./provision";

const audit = useAuditProduction(29);
const { provision, made } = audit;

describe("contract audit: rule 13 beside rule 18", () => {
  it("pseudonymised copies, full and partial, keep every other value as production's", async () => {
    const e: AuditExpect = { ...FULL, pseudonymised: true, documents: "all", attachments: true };
    const full = await provision({ personalData: "pseudonymise", documents: { mode: "all" }, serviceAttachments: true }, { pseudonymSecret: "s" });
    await auditSandbox(audit.prod, full.url, full.report, e, audit.panelCases);
        const part = await provision({ kind: "partial", share: { by: "companies", ids: audit.named }, personalData: "pseudonymise", documents: { mode: "all" }, serviceAttachments: true }, { pseudonymSecret: "s" });
    await auditSandbox(audit.prod, part.url, part.report, { ...e, kind: "partial" }, audit.panelCases);
    await expectDependants(audit.prod, part.url, audit.named, { ...e, kind: "partial" });
  });
});

describe("contract audit: rule 18", () => {
  it("pseudonymised copies hold no production name, phone, address or e-mail, and equal stays equal", async () => {
    const [contact] = await rows<{ id: number; first_name: string; last_name: string; email: string; phone: string }>(
      audit.prod,
      "SELECT id, first_name, last_name, email, (SELECT phone FROM company WHERE id = 1) AS phone FROM contact WHERE email IS NOT NULL AND id > 10 ORDER BY id LIMIT 1",
    );
    const { first_name: first, last_name: last } = contact!;
    const copy = await cloneDatabase(audit.prod);
    made.push(new URL(copy).pathname.slice(1));
    await withClient(copy, async (c) => {
      await c.query("UPDATE contact SET phone = $1 WHERE id = $2", [contact!.phone, contact!.id]);
      await c.query("UPDATE ticket SET title = $1 WHERE id = (SELECT min(id) FROM ticket)", [`Call ${first} ${last} on ${contact!.phone} or ${contact!.email}`]);
      await c.query("UPDATE sale SET title = $1 WHERE id = (SELECT min(id) FROM sale)", [`Deal for ${last}, ${first} (${first.toUpperCase()} ${last.toUpperCase()})`]);
      await c.query("UPDATE ticket_message SET body = $1 WHERE id = (SELECT min(id) FROM ticket_message)", [
        `Reach ${contact!.email.toUpperCase()} or ${contact!.phone.replace(/[^+0-9]/g, "")}; signed ${first} ${last}\tat ${await c.query<{ n: string }>("SELECT name AS n FROM company WHERE id = 1").then((r) => r.rows[0]!.n)}`,
      ]);
      await c.query("UPDATE document SET file_name = $1 WHERE id = (SELECT min(id) FROM document)", [`${first} ${last}.pdf`]);
      const company = `(SELECT name FROM company WHERE id = 2)`;
      await c.query(`UPDATE web_panel SET name = 'Orders of ' || ${company} WHERE id = (SELECT min(id) FROM web_panel)`);
      await c.query(`UPDATE scheduled_task SET name = 'Export for ' || $1 WHERE id = (SELECT min(id) FROM scheduled_task)`, [`${first} ${last}`]);
      await c.query(`UPDATE erp_connection SET name = ${company} || ' ledger' WHERE id = (SELECT min(id) FROM erp_connection)`);
      await c.query(`UPDATE ticket SET category = ${company} WHERE id = (SELECT max(id) FROM ticket)`);
      await c.query(`UPDATE contact SET title = 'Assistant to ' || $1 WHERE id = 1`, [`${first} ${last}`]);
      await c.query(`UPDATE project SET name = 'Rollout at ' || ${company} WHERE id = (SELECT min(id) FROM project)`);
      await c.query("UPDATE appointment SET location = (SELECT address FROM company WHERE address IS NOT NULL LIMIT 1) WHERE id = (SELECT min(id) FROM appointment)");
    });
    const values = await personalValues(copy);
    const secret = "audit-secret";
    const make = async () => {
      const name = newSandboxName();
      made.push(name);
      const report = await provisionSandbox(auditInput(copy, name, { options: { personalData: "pseudonymise", documents: { mode: "all" }, serviceAttachments: true }, pseudonymSecret: secret }));
      return { url: sandboxUrl(name), report };
    };
    const a = await make();
    const found: string[] = [];
    const columns = await rows<{ t: string; c: string }>(
      a.url,
      "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'installation'",
    );
    const kinds = Object.entries(values).filter(([k]) => k !== "email" && k !== "website");
    for (const { t, c } of columns) {
      for (const { v } of await rows<{ v: string }>(a.url, `SELECT DISTINCT "${c}" AS v FROM "${t}" WHERE "${c}" IS NOT NULL`)) {
        for (const [kind, set] of kinds) {
          if (set.has(v)) found.push(`${t}.${c} equals a production ${kind}: ${v}`);
          else for (const p of set) if (v.length > p.length && holdsWord(v, p)) found.push(`${t}.${c} holds production ${kind} ${p}: ${v.slice(0, 120)}`);
        }
        const lower = v.toLowerCase();
        for (const mail of values.email) if (lower.includes(mail)) found.push(`${t}.${c} holds production address ${mail}`);
      }
    }
    for (const w of [`${first.toUpperCase()} ${last.toUpperCase()}`, `${last}, ${first}`]) {
      const n = await scalar(a.url, "SELECT count(*) FROM sale WHERE title LIKE '%' || $1 || '%'", [w]);
      if (n !== "0") found.push(`sale title keeps ${w}`);
    }
    expect(found.slice(0, 30)).toEqual([]);
    // Contents are not copied.
    expect(await scalar(a.url, "SELECT count(*) FROM document WHERE octet_length(content) > 0")).toBe("0");
    expect(await scalar(a.url, "SELECT count(*) FROM ticket_attachment WHERE octet_length(content) > 0")).toBe("0");
    // Equal stays equal across tables; e-mail follows rule 2 with the pseudonym's local part.
    const [s] = await rows<{ p: string; q: string; email: string; full: string; title: string }>(
      a.url,
      "SELECT c.phone AS p, (SELECT phone FROM company WHERE id = 1) AS q, c.email, c.first_name || ' ' || c.last_name AS full, (SELECT title FROM ticket ORDER BY id LIMIT 1) AS title FROM contact c WHERE c.id = $1",
      [contact!.id],
    );
    expect(s?.p).toBe(s?.q);
    // `<pseudonym local>_<domain>@…`; a domain that is a production company's takes its website's pseudonym (README), so only the form is asserted.
    expect(s?.email).toMatch(/^[^@]+_[^@]+@mailinator\.com$/);
    expect(s?.email?.split("@")[0]).not.toContain(contact!.email.split("@")[0]);
    expect(s?.title).toContain(s?.full);
    // Deterministic per value and secret: a second copy is the same.
    const b = await make();
    for (const t of ["associate", "company", "contact", "ticket", "sale"]) {
      const sql = `SELECT to_jsonb(x) - 'closed_at' AS j FROM "${t}" x ORDER BY id`;
      expect(await rows(b.url, sql), t).toEqual(await rows(a.url, sql));
    }
  });
});

describe("contract audit: rule 18 with rule 17", () => {
  it("a partial pseudonymised copy uses the full copy's pseudonyms and none equals any production value", async () => {
    const full = await provision({ personalData: "pseudonymise" }, { pseudonymSecret: "same-secret" });
    const part = await provision({ personalData: "pseudonymise", kind: "partial", share: { by: "percent", percent: 20 } }, { pseudonymSecret: "same-secret" });
    const personal = [
      ["associate", "full_name"],
      ["company", "name, org_number, phone, address, website"],
      ["contact", "first_name, last_name, phone, mobile"],
    ] as const;
    for (const [t, c] of personal) {
      const a = new Map((await rows<Row & { id: number }>(full.url, `SELECT id, ${c} FROM ${t}`)).map((r) => [r.id, r]));
      const b = await rows<Row & { id: number }>(part.url, `SELECT id, ${c} FROM ${t}`);
      const differ = b.filter((r) => JSON.stringify(r) !== JSON.stringify(a.get(r.id))).map((r) => `${t} ${r.id}: ${JSON.stringify(r)} vs ${JSON.stringify(a.get(r.id))}`);
      expect(differ.slice(0, 5)).toEqual([]);
    }
    const values = await personalValues(audit.prod);
    const clash: string[] = [];
    for (const url of [full.url, part.url]) {
      for (const r of await rows<{ v: string }>(url, "SELECT full_name AS v FROM associate UNION ALL SELECT first_name || ' ' || last_name FROM contact")) if (values.fullName.has(r.v)) clash.push(`full name ${r.v}`);
      for (const r of await rows<{ v: string }>(url, "SELECT name AS v FROM company")) if (values.companyName.has(r.v)) clash.push(`company ${r.v}`);
      for (const r of await rows<{ v: string }>(url, "SELECT phone AS v FROM company UNION ALL SELECT phone FROM contact UNION ALL SELECT mobile FROM contact")) if (values.phone.has(r.v)) clash.push(`phone ${r.v}`);
      for (const r of await rows<{ v: string }>(url, "SELECT address AS v FROM company")) if (values.address.has(r.v)) clash.push(`address ${r.v}`);
      for (const r of await rows<{ v: string }>(url, "SELECT org_number AS v FROM company")) if (values.orgNumber.has(r.v)) clash.push(`org ${r.v}`);
    }
    expect(clash).toEqual([]);
  });
});
