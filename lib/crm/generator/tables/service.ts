/** service_mailbox, ticket, ticket_message and ticket_attachment: the Service module. */
import { fileContent, fileSize, pickFileKind } from "../content";
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import { contactOf, contactPerson } from "../entities";
import { DAY, HOUR, MINUTE, REFERENCE_TIME, YEAR, timestamp } from "../time";
import { pickAssociate } from "./associates";
import { documentName } from "./documents";
import { letter } from "./inbox";
import type { TableSource } from "./table-source";

const MAILBOX_NAMES = ["support", "helpdesk", "invoice", "orders", "kundeservice", "it", "hr", "sales", "returns", "noc"];

export function serviceMailboxSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("service-mailbox");
  const count = ctx.plan.serviceMailboxes;
  return {
    table: "service_mailbox",
    columns: ["id", "address", "host", "username", "password", "oauth_refresh_token", "is_active", "created_at"],
    count,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= count; id++) {
        const r = rng.at(id);
        const address = `${MAILBOX_NAMES[(id - 1) % MAILBOX_NAMES.length]}@${ctx.installation.domain}`;
        const oauth = id % 3 === 2;
        yield [
          id,
          address,
          oauth ? "outlook.office365.com" : `imap.${ctx.installation.domain}`,
          address,
          oauth ? null : `${r.token(10)}!${r.int(10, 99)}`,
          oauth ? `0.AQ${r.token(180)}` : null,
          id !== count, // the last one was switched off, as there usually is one
          timestamp(REFERENCE_TIME - 6 * YEAR + id * 30 * DAY),
        ];
      }
    },
  };
}

const STATUSES = [["open", 15], ["pending", 10], ["postponed", 8], ["closed", 55], ["deleted", 12]] as const;
const PRIORITIES = [["low", 20], ["normal", 55], ["high", 20], ["critical", 5]] as const;
const CATEGORIES = ["Support", "Billing", "Technical", "Complaint", "Orders", "Returns"];

interface TicketCore {
  status: string;
  companyId: number | null;
  contactId: number | null;
  createdAt: number;
}

/** The parts of a ticket its messages depend on. */
function ticketCore(ctx: GeneratorContext, id: number): TicketCore {
  const r = ctx.rng("ticket-core").at(id);
  // The first tickets take every status in turn, so each scale has all of them.
  const status = id <= STATUSES.length ? (STATUSES[id - 1]?.[0] ?? "open") : r.weighted(STATUSES);
  const companyId = r.chance(0.85) ? r.int(1, ctx.plan.companies) : null;
  const contactId = companyId !== null && r.chance(0.8) ? contactOf(ctx, companyId, r.next()) : null;
  // Open work is recent; closed and deleted tickets reach years back.
  const age = status === "closed" || status === "deleted" ? r.next() * 5 * YEAR : r.next() * 0.25 * YEAR;
  return { status, companyId, contactId, createdAt: REFERENCE_TIME - Math.floor(age) };
}

export function ticketSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("ticket");
  return {
    table: "ticket",
    columns: ["id", "title", "status", "priority", "category", "company_id", "contact_id", "owner_id", "mailbox_id", "created_at", "updated_at", "closed_at"],
    count: ctx.plan.tickets,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= ctx.plan.tickets; id++) {
        const t = ticketCore(ctx, id);
        const r = rng.at(id);
        const updatedAt = Math.min(REFERENCE_TIME, t.createdAt + r.int(1, 240) * HOUR);
        yield [
          id,
          `${r.pick(["Problem with", "Question about", "Invoice for", "Cannot access", "Order of", "Complaint:"])} ${r.pick(ctx.pools.products).toLowerCase()}`,
          t.status,
          r.weighted(PRIORITIES),
          r.chance(0.8) ? r.pick(CATEGORIES) : null,
          t.companyId,
          t.contactId,
          r.chance(0.85) ? pickAssociate(ctx, r.next()) : null,
          r.chance(0.7) ? r.int(1, ctx.plan.serviceMailboxes) : null,
          timestamp(t.createdAt),
          timestamp(updatedAt),
          t.status === "closed" ? timestamp(updatedAt) : null,
        ];
      }
    },
  };
}

/** Walks ticket messages in id order with their ticket; shared by messages and attachments. */
function* ticketMessages(ctx: GeneratorContext): Generator<{ id: number; ticketId: number; index: number; ticket: TicketCore }> {
  const ranges = ctx.messagesOfTicket;
  for (let ticketId = 1; ticketId <= ranges.parents; ticketId++) {
    const ticket = ticketCore(ctx, ticketId);
    const first = ranges.first(ticketId);
    for (let index = 0; index < ranges.count(ticketId); index++) yield { id: first + index, ticketId, index, ticket };
  }
}

function messageTime(ticket: TicketCore, index: number): number {
  return Math.min(REFERENCE_TIME, ticket.createdAt + index * 7 * HOUR + index * 13 * MINUTE);
}

export function ticketMessageSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("ticket-message");
  return {
    table: "ticket_message",
    columns: ["id", "ticket_id", "author_email", "body", "created_at"],
    count: ctx.messagesOfTicket.total,
    *rows(): Generator<CopyValue[]> {
      for (const m of ticketMessages(ctx)) {
        const r = rng.at(m.id);
        const customer = m.ticket.contactId !== null && m.ticket.companyId !== null
          ? contactPerson(ctx, m.ticket.contactId, m.ticket.companyId)
          : null;
        const fromCustomer = m.index % 2 === 0;
        const agent = ctx.associates[pickAssociate(ctx, r.next()) - 1];
        const author = fromCustomer ? (customer?.email ?? `${r.token(6).toLowerCase()}@gmail.com`) : (agent?.email ?? null);
        const name = customer ? `${customer.firstName} ${customer.lastName}` : "Customer";
        yield [
          m.id,
          m.ticketId,
          r.chance(0.05) ? null : author,
          letter(ctx, r, fromCustomer ? "Support" : name, fromCustomer ? name : (agent?.fullName ?? "Support")),
          timestamp(messageTime(m.ticket, m.index)),
        ];
      }
    },
  };
}

export function ticketAttachmentSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("ticket-attachment");
  const ranges = ctx.attachmentsOfMessage;
  return {
    table: "ticket_attachment",
    columns: ["id", "ticket_message_id", "file_name", "mime_type", "content", "size_bytes", "created_at"],
    count: ranges.total,
    *rows(): Generator<CopyValue[]> {
      for (const m of ticketMessages(ctx)) {
        const first = ranges.first(m.id);
        for (let id = first; id < first + ranges.count(m.id); id++) {
          const r = rng.at(id);
          const kind = pickFileKind(r);
          const size = fileSize(r, ctx.plan.attachmentBytes);
          const at = messageTime(m.ticket, m.index);
          yield [id, m.id, documentName(kind, `ticket ${m.ticketId}`, at, r), kind.mime, fileContent(kind, size, r, ctx.pools.phrases), size, timestamp(at)];
        }
      }
    },
  };
}
