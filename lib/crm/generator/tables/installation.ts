/** installation (the single row, id 1) and web_panel. */
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import type { Random } from "../random";
import { DAY, REFERENCE_TIME, YEAR, timestamp } from "../time";
import type { TableSource } from "./table-source";

export function installationSource(ctx: GeneratorContext): TableSource {
  const r = ctx.rng("installation").at(1);
  const i = ctx.installation;
  const serial = `${r.int(1000, 9999)}-${r.int(1000, 9999)}-${r.int(1000, 9999)}-${r.int(1000, 9999)}`;
  return {
    table: "installation",
    columns: ["id", "customer_id", "company_name", "serial_number", "environment", "state", "source_customer_id", "copied_at", "service_base_url"],
    count: 1,
    rows: () => [[1, i.customerId, i.companyName, serial, "production", "running", null, null, i.serviceBaseUrl]],
  };
}

const SERVICE_SCRIPTS = ["ticket", "rms", "customer", "blogic"] as const;

interface Panel {
  name: string;
  url: string;
  location: string;
  visible: boolean;
  createdByApp: string | null;
}

/**
 * Every way a panel URL reaches Service (rule 6) and near misses that must be left
 * alone: other host numbers and customers, mixed case, http and https, query strings
 * and fragments, the installation's own base URL, and look-alike hosts and scripts.
 */
function panels(ctx: GeneratorContext, r: Random): Panel[] {
  const { serviceBaseUrl: base, customerId, onlineHost, domain } = ctx.installation;
  const otherHost = () => r.int(1, 99);
  const otherCust = () => `Cust${r.int(10_000, 99_999)}`;
  const list: Panel[] = [];
  const add = (name: string, url: string, location: string, visible = true, createdByApp: string | null = null) =>
    list.push({ name, url, location, visible, createdByApp });

  for (const s of SERVICE_SCRIPTS) {
    const S = s.toUpperCase();
    const cap = s.charAt(0).toUpperCase() + s.slice(1);
    add(`${cap} (own host)`, `https://online${onlineHost}.superoffice.com/${customerId}/CS/Scripts/${s}.fcgi?action=listTickets&id=${r.int(1, 500)}`, "service-main");
    add(`${cap} (upper case, http)`, `http://ONLINE${otherHost()}.SuperOffice.com/${customerId.toUpperCase()}/cs/scripts/${S}.FCGI#top`, "company-card");
    add(`${cap} (other customer)`, `https://online${otherHost()}.superoffice.com/${otherCust()}/CS/Scripts/${s}.fcgi?id=${r.int(1, 9999)}&mode=edit#section-${r.int(1, 9)}`, "contact-card");
    add(`${cap} (mixed case)`, `https://Online${otherHost()}.superoffice.COM/${customerId}/Cs/Scripts/${cap}.fcgi`, "navigator", r.chance(0.5));
    add(`${cap} (service base URL)`, `${base}/Scripts/${s}.fcgi`, "service-main");
    add(`${cap} (service base URL, query)`, `${base}/Scripts/${s}.fcgi?action=show&customer=<cuid>#details`, "contact-card");
    add(`${cap} (app)`, `https://online${onlineHost}.superoffice.com/${customerId}/CS/Scripts/${s}.fcgi?app=sync&token=${r.token(16)}`, "navigator", true, "Service Toolbox");
  }
  add("Map", `https://www.google.com/maps?q=${encodeURIComponent("Karl Johans gate 1, Oslo")}`, "company-card");
  add("Intranet tickets", `https://intranet.${domain}/Scripts/ticket.fcgi?view=mine`, "navigator");
  add("Look-alike host", `https://online${onlineHost}.superoffice.com.example.net/${customerId}/CS/Scripts/ticket.fcgi`, "navigator", false);
  add("No host number", `https://online.superoffice.com/${customerId}/CS/Scripts/ticket.fcgi`, "navigator", false);
  add("Other script", `https://online${onlineHost}.superoffice.com/${customerId}/CS/Scripts/report.fcgi?id=7`, "service-main");
  add("SOD host", `https://sod.superoffice.com/${customerId}/CS/Scripts/rms.fcgi`, "service-main", false);
  add("Power BI", `https://app.powerbi.com/view?r=${r.token(40)}`, "navigator", true, "Power BI Connector");
  add("LinkedIn", "https://www.linkedin.com/company/<companyname>", "company-card", true, "LinkedIn Sales Navigator");
  add("Mailchimp campaigns", "https://us5.admin.mailchimp.com/campaigns/", "navigator", true, "Mailchimp for SuperOffice");
  add("DocuSign envelopes", `https://app.docusign.com/documents?contact=<cont_id>`, "contact-card", true, "DocuSign");
  return list;
}

export function webPanelSource(ctx: GeneratorContext): TableSource {
  const list = panels(ctx, ctx.rng("web-panel").at(0));
  const rng = ctx.rng("web-panel-created");
  return {
    table: "web_panel",
    columns: ["id", "name", "url", "location", "visible", "created_by_app", "created_at"],
    count: list.length,
    *rows(): Generator<CopyValue[]> {
      let id = 0;
      for (const p of list) {
        id++;
        const created = REFERENCE_TIME - Math.floor(rng.at(id).next() * 6 * YEAR) - DAY;
        yield [id, p.name, p.url, p.location, p.visible, p.createdByApp, timestamp(created)];
      }
    },
  };
}
