/** Every contract table's generator, in contract (parents-first) order. */
import { CRM_TABLES } from "../contract";
import type { GeneratorContext } from "./context-types";
import { associateSource } from "./tables/associates";
import { companySource, contactSource } from "./tables/companies";
import { documentSource } from "./tables/documents";
import { inboxAccountSource, inboxMessageSource } from "./tables/inbox";
import { installationSource, webPanelSource } from "./tables/installation";
import { appAuthorizationSource, erpConnectionSource, scheduledTaskSource, webhookSource } from "./tables/integrations";
import { preferenceSource } from "./tables/preferences";
import { appointmentSource, projectSource, saleSource } from "./tables/sales";
import { serviceMailboxSource, ticketAttachmentSource, ticketMessageSource, ticketSource } from "./tables/service";
import type { TableSource } from "./tables/table-source";

const FACTORIES: Record<string, (ctx: GeneratorContext) => TableSource> = {
  installation: installationSource,
  associate: associateSource,
  company: companySource,
  contact: contactSource,
  sale: saleSource,
  project: projectSource,
  appointment: appointmentSource,
  document: documentSource,
  inbox_account: inboxAccountSource,
  inbox_message: inboxMessageSource,
  service_mailbox: serviceMailboxSource,
  ticket: ticketSource,
  ticket_message: ticketMessageSource,
  ticket_attachment: ticketAttachmentSource,
  web_panel: webPanelSource,
  scheduled_task: scheduledTaskSource,
  app_authorization: appAuthorizationSource,
  webhook: webhookSource,
  preference: preferenceSource,
  erp_connection: erpConnectionSource,
};

export function tableSources(ctx: GeneratorContext): TableSource[] {
  return CRM_TABLES.map((table) => {
    const factory = FACTORIES[table.name];
    // A contract table without a generator is a bug: generated databases must be complete.
    if (!factory) throw new Error(`No generator for contract table ${table.name}`);
    const source = factory(ctx);
    const expected = table.columns.map((c) => c.name).sort().join(",");
    if ([...source.columns].sort().join(",") !== expected) {
      throw new Error(`Generator columns for ${table.name} differ from the contract`);
    }
    return source;
  });
}
