/**
 * Every kind of mail the portal sends, rendered as a recipient gets it (HTML and
 * plain text), carries the facts its reader needs: which sandbox of which
 * customer, the moment of production, how long the copy took, who has access on
 * which plan, where to sign in, and for failures what went wrong and what
 * happens next, with a link to the page.
 */
import { createElement, type ReactElement } from "react";
import { beforeAll, describe, expect, it } from "vitest";
import { renderMail, type RenderedMail } from "./render";
import { RunFinishedMail, runFinishedSubject, type RunFinishedFacts } from "./run-finished-mail";
import { AccessMail, accessSubject, type AccessFacts } from "./access-mail";
import { OrderCancelledMail, OrderFiledMail, type OrderFacts } from "./order-mails";
import { AlertMail } from "./alert-mail";
import { AccountChangeMail } from "./account-change-mail";

beforeAll(() => {
  process.env.NEXTAUTH_URL = "https://portal.example.com";
});

/** The HTML as a reader sees its words: React's text-node separators gone, entities decoded. */
const shownText = (html: string) => html.replaceAll("<!-- -->", "").replaceAll("&quot;", '"').replaceAll("&#x27;", "'");

/** Both bodies, checked alike: a fact missing from either is a fact some reader never sees. */
async function expectInBoth(mail: ReactElement, facts: string[]): Promise<RenderedMail> {
  const rendered = await renderMail(mail);
  expect(rendered.html).toMatch(/^<!DOCTYPE html/i);
  for (const fact of facts) {
    expect(rendered.text, `plain text lacks ${fact}`).toContain(fact);
    expect(shownText(rendered.html), `HTML lacks ${fact}`).toContain(fact);
  }
  return rendered;
}

const run: RunFinishedFacts = {
  kind: "PROVISION",
  succeeded: true,
  sandboxId: "sbx1",
  sandboxName: "Audit UAT",
  companyName: "Nordlys Consulting",
  customerId: "Cust12345",
  snapshotAt: new Date("2026-11-30T09:15:00Z"),
  tookMs: 754_000,
  access: [
    { fullName: "Ingrid Nordlys", plan: "Sales Premium" },
    { fullName: "Bo Berg", plan: "Complete" },
  ],
  signInUrl: "https://sod.superoffice.com/Cust99871",
  failure: null,
};

describe("the run-finished mail", () => {
  it("says the sandbox is ready with its customer, production moment, copy time, access and sign-in address", async () => {
    const mail = await expectInBoth(createElement(RunFinishedMail, run), [
      "Audit UAT",
      "Nordlys Consulting (Cust12345)",
      "30 Nov 2026, 09:15 UTC",
      "12 min 34 s",
      "Ingrid Nordlys (Sales Premium)",
      "Bo Berg (Complete)",
      "https://sod.superoffice.com/Cust99871",
      "https://portal.example.com/sandboxes/sbx1",
    ]);
    expect(runFinishedSubject(run)).toBe('Sandbox "Audit UAT" is ready');
    expect(mail.text).not.toContain("What went wrong");
    // The button's address once in plain text; the HTML keeps its fallback for mail apps without buttons.
    expect(mail.text.split("https://portal.example.com/sandboxes/sbx1")).toHaveLength(2);
    expect(mail.html).toContain("Or open");
  });

  it("says a refresh's new production moment", async () => {
    const refreshed = { ...run, kind: "REFRESH" as const, snapshotAt: new Date("2026-12-01T06:00:00Z") };
    await expectInBoth(createElement(RunFinishedMail, refreshed), ["has been refreshed", "1 Dec 2026, 06:00 UTC", "Sign in at"]);
  });

  it("says when nobody was given access, rather than listing no one", async () => {
    await expectInBoth(createElement(RunFinishedMail, { ...run, access: [] }), ["nobody was given access"]);
  });

  it("names whom it could not tell, rather than saying everyone was mailed", async () => {
    const someone = { ...run, access: [run.access[0]!, { fullName: "Bo Berg", plan: "Complete", mailed: false }] };
    const mail = await expectInBoth(createElement(RunFinishedMail, someone), ["Bo Berg has no e-mail address in production, so was not told: tell them yourself."]);
    expect(mail.text).not.toContain("Each of them has been told");
    expect(mail.text).toContain("The others have been told by e-mail");
    const nobody = { ...run, access: run.access.map((a) => ({ ...a, mailed: false })) };
    await expectInBoth(createElement(RunFinishedMail, nobody), ["Ingrid Nordlys and Bo Berg have no e-mail address in production, so were not told: tell them yourself."]);
  });

  it("mails production's names only where they read as a name: a CRM user's own name is text production lets them write, sent under the portal's sender", async () => {
    const lure = "URGENT from Sandbox Portal: your session ended, sign in again at https://sandbox-portal-login.example";
    const backwards = "Bo \u202eexe.lanruoj\u202c Berg";
    const access = [run.access[0]!, { fullName: lure, plan: "Complete", mailed: false }, { fullName: backwards, plan: "Complete" }];
    const mail = await expectInBoth(createElement(RunFinishedMail, { ...run, access }), [
      "Ingrid Nordlys (Sales Premium), someone named on the sandbox page (Complete), someone named on the sandbox page (Complete)",
      "Someone named on the sandbox page has no e-mail address in production, so was not told: tell them yourself.",
    ]);
    for (const body of [mail.text, mail.html]) {
      expect(body).not.toContain("sandbox-portal-login");
      expect(body).not.toContain("URGENT");
      expect(body).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it("says a failure in words, and what happens next for each kind of run", async () => {
    const failure = "Production has tables or columns that the portal does not know, so nothing was copied (fail closed).";
    const next = { PROVISION: "Nothing was released", REFRESH: "keeps its previous copy", DELETE: "still there as it was" } as const;
    for (const kind of ["PROVISION", "REFRESH", "DELETE"] as const) {
      const failed = { ...run, kind, succeeded: false, failure, signInUrl: null };
      const mail = await expectInBoth(createElement(RunFinishedMail, failed), [
        "Audit UAT",
        "Nordlys Consulting (Cust12345)",
        failure,
        next[kind],
        "https://portal.example.com/sandboxes/sbx1",
      ]);
      expect(runFinishedSubject(failed)).toMatch(/^Sandbox "Audit UAT": the (copy|refresh|deletion) failed$/);
      // A failed run's mail never offers a sign-in address: there may be no copy to sign in to.
      expect(mail.text).not.toContain("sod.superoffice.com");
    }
  });

  it("says after a production the portal does not know that a plain retry waits for it to be classified, and where to decide", async () => {
    const failure = "Production has tables, columns or other objects that the portal does not know, so nothing was copied.";
    const refresh = await renderMail(createElement(RunFinishedMail, { ...run, kind: "REFRESH", succeeded: false, failure, failureCode: "DRIFT", signInUrl: null }));
    expect(refresh.text).toContain('Decide what happens to each yourself in the review of "Change the choices and refresh"');
    expect(refresh.text).not.toContain("You can retry the refresh");
    const provision = await renderMail(createElement(RunFinishedMail, { ...run, kind: "PROVISION", succeeded: false, failure, failureCode: "DRIFT", signInUrl: null }));
    expect(provision.text).toContain("once they have classified what production holds");
  });

  it("says after choices production no longer fits that a retry would fail the same way, and where to choose again", async () => {
    const failure = "The choices for this copy do not fit production as it is now. Details: The options do not match production: no company with id 42.";
    const refresh = await renderMail(createElement(RunFinishedMail, { ...run, kind: "REFRESH", succeeded: false, failure, failureCode: "INVALID_OPTIONS", signInUrl: null }));
    expect(refresh.text).toContain('"Change the choices and refresh"');
    expect(refresh.text).not.toContain("You can retry the refresh");
    const provision = await renderMail(createElement(RunFinishedMail, { ...run, kind: "PROVISION", succeeded: false, failure, failureCode: "INVALID_OPTIONS", signInUrl: null }));
    expect(provision.text).not.toContain("You can retry from the sandbox page");
  });

  it("says a deletion ended everyone's access and offers no sign-in", async () => {
    const mail = await expectInBoth(createElement(RunFinishedMail, { ...run, kind: "DELETE", signInUrl: null }), ["has been deleted", "access to it has ended"]);
    expect(mail.text).not.toContain("Sign in at");
  });

  it("says a sandbox lost with its server is gone, why, and that a new order brings a fresh copy", async () => {
    const lost = { ...run, kind: "DELETE" as const, signInUrl: null, writtenOff: { server: "pg-eu-1", reason: "the disk failed on 1 December" } };
    const mail = await expectInBoth(createElement(RunFinishedMail, lost), [
      "Its sandbox server was lost, and its database with it: the disk failed on 1 December",
      "access to it has ended",
      "order a new sandbox",
    ]);
    expect(runFinishedSubject(lost)).toBe('Sandbox "Audit UAT" is gone: its server was lost');
    expect(mail.text).not.toContain("has been deleted");
  });
});

describe("the access mail", () => {
  const access: AccessFacts = {
    event: "granted",
    plan: "Sales Premium",
    sandboxName: "Audit UAT",
    companyName: "Nordlys Consulting",
    snapshotAt: new Date("2026-11-30T09:15:00Z"),
    signInUrl: "https://sod.superoffice.com/Cust99871",
    username: "production",
  };

  it("tells a person given access which sandbox, plan and where to sign in", async () => {
    await expectInBoth(createElement(AccessMail, access), [
      "Audit UAT",
      "Nordlys Consulting",
      "Sales Premium",
      "30 Nov 2026, 09:15 UTC",
      "https://sod.superoffice.com/Cust99871",
    ]);
  });

  it("carries no text production wrote (a name, a username): the portal's sender mails addresses production chooses", async () => {
    const mail = await expectInBoth(createElement(AccessMail, access), ["Hello,", "Audit UAT", "the one you use in production"]);
    for (const body of [mail.html, mail.text]) {
      expect(body).not.toContain("Ingrid");
      expect(body).not.toContain("ingrid");
    }
  });

  it("tells a person given access to a pseudonymised sandbox the made-up username they sign in with, and only one the pseudonymiser could have made", async () => {
    await expectInBoth(createElement(AccessMail, { ...access, username: { madeUp: "claud.voigt2" } }), ["claud.voigt2 (made up for this sandbox"]);
    const unfit = await expectInBoth(createElement(AccessMail, { ...access, username: { madeUp: null } }), ["on the sandbox's page"]);
    expect(unfit.text).not.toContain("the one you use in production");
  });

  it("tells them again after a refresh, and when access ends or the sandbox is deleted, without a way in", async () => {
    await expectInBoth(createElement(AccessMail, { ...access, event: "renewed" }), ["newer production data", "Sales Premium", "https://sod.superoffice.com/Cust99871"]);
    for (const event of ["ended", "deleted"] as const) {
      const mail = await expectInBoth(createElement(AccessMail, { ...access, event }), ["Audit UAT", "Nordlys Consulting"]);
      expect(mail.text).not.toContain("sod.superoffice.com");
      expect(accessSubject(event, "Audit UAT")).toContain("Audit UAT");
    }
  });
});

const order: OrderFacts = {
  sandboxId: "sbx1",
  sandboxName: "Audit UAT",
  companyName: "Nordlys Consulting",
  customerId: "Cust12345",
  plans: ["2 Sales Premium", "1 Complete"],
  note: "For the spring training",
};

describe("the order mails", () => {

  it("tells admins who filed an order for them, with its plans and note, and links to the setup", async () => {
    await expectInBoth(createElement(OrderFiledMail, { order, by: "Sam Seller" }), [
      "Sam Seller",
      "Audit UAT",
      "Nordlys Consulting (Cust12345)",
      "2 Sales Premium, 1 Complete",
      "For the spring training",
      "https://portal.example.com/sandboxes/sbx1/setup",
    ]);
  });

  it("tells the other side who cancelled an order and why", async () => {
    await expectInBoth(createElement(OrderCancelledMail, { order, by: "Ingrid Nordlys", reason: "Ordered twice" }), [
      "Ingrid Nordlys cancelled",
      "Audit UAT",
      "Nothing was copied",
      "Ordered twice",
      "https://portal.example.com/orders",
    ]);
  });

  it("keeps the lines of a note and a reason as their writer broke them, escaped, in HTML and plain text", async () => {
    const note = "For the spring training.\nAsk <Kari> first.\n\nThen Bo.";
    const reason = "Ordered twice:\r\nuse the other one";
    const mail = await renderMail(createElement(OrderCancelledMail, { order: { ...order, note }, by: "Ingrid Nordlys", reason }));
    expect(mail.html).toContain("For the spring training.<br/>Ask &lt;Kari&gt; first.<br/><br/>Then Bo.");
    expect(mail.html).toContain("Ordered twice:<br/>use the other one");
    expect(mail.html).not.toContain("<Kari>");
    expect(mail.text).toContain("For the spring training.\nAsk <Kari> first.\n\nThen Bo.");
    expect(mail.text).toContain("Ordered twice:\nuse the other one");
  });
});

describe("the operators' alert mail", () => {
  it("says what happened, since when, and links to where to look", async () => {
    await expectInBoth(
      createElement(AlertMail, { subject: 'refresh of sandbox "Audit UAT" failed', detail: "The copy was discarded.\n\nThe technical details are on the operations page.", link: "/operations/runs/r1", firstAt: new Date("2026-12-01T07:30:00Z") }),
      ['Alert: refresh of sandbox "Audit UAT" failed', "The copy was discarded.", "2026-12-01 07:30 UTC", "https://portal.example.com/operations/runs/r1"],
    );
  });
});

describe("where notices can be stopped", () => {
  it("says it at the foot of every notice one may stop, and of no mail that always goes", async () => {
    const stop = ["Stop these mails on your account page", "https://portal.example.com/account"];
    await expectInBoth(createElement(RunFinishedMail, run), stop);
    await expectInBoth(createElement(OrderFiledMail, { order, by: "Sam Seller" }), stop);
    // An operator's alert and a change to one's own sign-in go whatever the choice.
    for (const always of [
      createElement(AlertMail, { subject: "a server does not answer", detail: "d", link: null, firstAt: new Date() }),
      createElement(AccountChangeMail, { name: "Ingrid", change: "The password of your account was changed.", at: new Date() }),
    ]) {
      expect((await renderMail(always)).text).not.toContain("Stop these mails");
    }
  });
});

describe("the portal's address in mails", () => {
  it("is said at a worker's start when NEXTAUTH_URL is not set: a worker started on its own (npm run worker) mailed every reset link to localhost", async () => {
    const { unsetPortalUrlWarning } = await import("./render");
    expect(unsetPortalUrlWarning({})).toContain("http://localhost:3000");
    expect(unsetPortalUrlWarning({ NEXTAUTH_URL: "" })).toContain("NEXTAUTH_URL");
    expect(unsetPortalUrlWarning({ NEXTAUTH_URL: "https://portal.example.com" })).toBeNull();
  });
});
