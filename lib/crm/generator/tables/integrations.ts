/**
 * scheduled_task, app_authorization, webhook and erp_connection: the parts of an
 * installation that act on the outside world, each in all its kinds and states so
 * the sanitizer has every case to handle (rules 7, 8 and 12).
 */
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import { DAY, HOUR, REFERENCE_TIME, YEAR, timestamp } from "../time";
import { pickAssociate } from "./associates";
import type { TableSource } from "./table-source";

const TASKS = [
  ["Nightly CRMScript cleanup", "crmscript", "0 2 * * *"],
  ["Escalate overdue tickets", "crmscript", "*/15 * * * *"],
  ["ERP order sync", "erp-sync", "*/30 * * * *"],
  ["ERP customer sync", "erp-sync", "0 5 * * 1-5"],
  ["Import leads from web form", "import", "0 * * * *"],
  ["Import price list", "import", "0 4 1 * *"],
  ["Export sales to data warehouse", "export", "30 23 * * *"],
  ["Export contacts to newsletter", "export", "0 6 * * 1"],
  ["Rebuild search index", "maintenance", "0 3 * * 0"],
  ["Purge deleted tickets", "maintenance", "0 1 1 * *"],
] as const;

export function scheduledTaskSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("scheduled-task");
  return {
    table: "scheduled_task",
    columns: ["id", "name", "kind", "schedule", "enabled", "last_run_at", "next_run_at", "created_at"],
    count: TASKS.length,
    *rows(): Generator<CopyValue[]> {
      let id = 0;
      for (const [name, kind, schedule] of TASKS) {
        id++;
        const r = rng.at(id);
        const enabled = id % 2 === 1; // each kind has an enabled and a disabled task
        yield [id, name, kind, schedule, enabled,
          r.chance(0.9) ? timestamp(REFERENCE_TIME - r.int(1, 48) * HOUR) : null,
          enabled ? timestamp(REFERENCE_TIME + r.int(1, 24) * HOUR) : null,
          timestamp(REFERENCE_TIME - Math.floor(r.next() * 5 * YEAR))];
      }
    },
  };
}

const APPS = [
  ["Mailchimp for SuperOffice", "crm.contact crm.marketing"],
  ["DocuSign", "crm.document crm.sale"],
  ["Tripletex Sync", "crm.company crm.sale erp"],
  ["Power BI Connector", "crm.read"],
  ["Zapier", "crm.contact crm.company webhooks"],
  ["Service Toolbox", "crm.ticket crm.webpanel"],
] as const;

export function appAuthorizationSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("app-authorization");
  return {
    table: "app_authorization",
    columns: ["id", "app_name", "client_id", "system_user_token", "access_token", "refresh_token", "scopes", "authorized_by", "authorized_at"],
    count: APPS.length,
    *rows(): Generator<CopyValue[]> {
      let id = 0;
      for (const [app, scopes] of APPS) {
        id++;
        const r = rng.at(id);
        yield [id, app, r.token(32, "0123456789abcdef"),
          id % 3 !== 0 ? `${app.split(" ")[0]}-${r.token(64)}` : null,
          `8A:${ctx.installation.customerId}.${r.token(160)}`,
          r.chance(0.8) ? r.token(64) : null,
          scopes,
          id === APPS.length ? null : pickAssociate(ctx, r.next()),
          timestamp(REFERENCE_TIME - Math.floor(r.next() * 3 * YEAR))];
      }
    },
  };
}

const HOOKS = [
  ["Notify Slack on won sale", "http-post", "https://hooks.slack.com/services/T0000/B0000/", "sale.changed,sale.won", true],
  ["Zapier contact sync", "http-post", "https://hooks.zapier.com/hooks/catch/1234567/", "contact.created,contact.changed", true],
  ["Legacy ERP push", "http-post", "http://erp.internal.example/api/superoffice", "company.changed", false],
  ["Assign new tickets", "crmscript", null, "ticket.created", true],
  ["Audit deletes", "crmscript", null, "contact.deleted,company.deleted", false],
] as const;

export function webhookSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("webhook");
  return {
    table: "webhook",
    columns: ["id", "name", "kind", "target_url", "events", "secret", "active", "created_by", "created_at"],
    count: HOOKS.length,
    *rows(): Generator<CopyValue[]> {
      let id = 0;
      for (const [name, kind, target, events, active] of HOOKS) {
        id++;
        const r = rng.at(id);
        yield [id, name, kind, target === null ? null : `${target}${r.token(24)}`, events,
          kind === "http-post" || r.chance(0.5) ? r.token(40) : null, active,
          r.chance(0.8) ? pickAssociate(ctx, r.next()) : null,
          timestamp(REFERENCE_TIME - Math.floor(r.next() * 4 * YEAR))];
      }
    },
  };
}

const ERP = [
  ["Visma.net", "visma-net", "https://integration.visma.net/API/"],
  ["Tripletex", "tripletex", "https://tripletex.no/v2/"],
  ["Business Central", "business-central", "https://api.businesscentral.dynamics.com/v2.0/"],
  ["Fortnox", "fortnox", "https://api.fortnox.se/3/"],
  ["In-house ERP", "other", "https://erp.internal.example/api/"],
] as const;

export function erpConnectionSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("erp-connection");
  return {
    table: "erp_connection",
    columns: ["id", "name", "connector", "endpoint_url", "api_key", "auto_sync", "last_sync_at", "created_at"],
    count: ERP.length,
    *rows(): Generator<CopyValue[]> {
      let id = 0;
      for (const [name, connector, url] of ERP) {
        id++;
        const r = rng.at(id);
        yield [id, name, connector, url, r.token(48), id !== ERP.length,
          timestamp(REFERENCE_TIME - r.int(5, 600) * 60_000),
          timestamp(REFERENCE_TIME - Math.floor(r.next() * 4 * YEAR) - DAY)];
      }
    },
  };
}
