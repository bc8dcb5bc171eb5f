/** inbox_account (with the credentials users typed in) and inbox_message. */
import type { CopyValue } from "../copy-text";
import type { GeneratorContext } from "../context-types";
import { companyIdentity, contactPerson, contactOf } from "../entities";
import type { Random } from "../random";
import { HOUR, REFERENCE_TIME, YEAR, timestamp } from "../time";
import type { TableSource } from "./table-source";

interface AccountIdentity {
  associateId: number;
  address: string;
  displayName: string;
}

function accountIdentity(ctx: GeneratorContext, id: number): AccountIdentity {
  const people = ctx.associates;
  const associate = people[(id - 1) % people.length] ?? people[0];
  if (!associate) throw new Error("no associates");
  // Most accounts are the user's own address; some are shared ones they watch.
  const shared = id > people.length || ctx.rng("inbox-account-shared").at(id).chance(0.1);
  const local = shared ? `${["sales", "orders", "post", "support"][id % 4]}${id}` : associate.username;
  return { associateId: associate.id, address: `${local}@${ctx.installation.domain}`, displayName: associate.fullName };
}

export function inboxAccountSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("inbox-account");
  return {
    table: "inbox_account",
    columns: [
      "id", "associate_id", "address", "display_name", "incoming_host", "outgoing_host",
      "incoming_username", "incoming_password", "outgoing_username", "outgoing_password",
      "oauth_access_token", "oauth_refresh_token", "created_at",
    ],
    count: ctx.plan.inboxAccounts,
    *rows(): Generator<CopyValue[]> {
      for (let id = 1; id <= ctx.plan.inboxAccounts; id++) {
        const r = rng.at(id);
        const a = accountIdentity(ctx, id);
        const createdAt = REFERENCE_TIME - Math.floor(r.next() * 5 * YEAR);
        // Alternate the two ways of signing in, so both always occur.
        if (id % 3 === 0) {
          yield [id, a.associateId, a.address, a.displayName, "outlook.office365.com", "smtp.office365.com",
            null, null, null, null, `eyJ0eXAiOiJKV1QiLCJhbGciOi${r.token(120)}`, `0.AQ${r.token(180)}`, timestamp(createdAt)];
        } else {
          const password = `${r.pick(["Summer", "Winter", "Bergen", "Oslo", "Welcome"])}${r.int(2015, 2025)}${r.pick(["!", "#", "?"])}${r.token(4)}`;
          yield [id, a.associateId, a.address, r.chance(0.8) ? a.displayName : null,
            `imap.${ctx.installation.domain}`, `smtp.${ctx.installation.domain}`,
            a.address, password, a.address, password, null, null, timestamp(createdAt)];
        }
      }
    },
  };
}

const FOLDERS = [["Inbox", 60], ["Sent", 25], ["Archive", 10], ["Deleted Items", 5]] as const;

export function inboxMessageSource(ctx: GeneratorContext): TableSource {
  const rng = ctx.rng("inbox-message");
  const ranges = ctx.messagesOfAccount;
  return {
    table: "inbox_message",
    columns: ["id", "account_id", "folder", "from_address", "to_addresses", "subject", "body", "received_at"],
    count: ranges.total,
    *rows(): Generator<CopyValue[]> {
      for (let accountId = 1; accountId <= ranges.parents; accountId++) {
        const own = accountIdentity(ctx, accountId);
        const first = ranges.first(accountId);
        for (let id = first; id < first + ranges.count(accountId); id++) {
          const r = rng.at(id);
          const folder = r.weighted(FOLDERS);
          const other = externalAddress(ctx, r);
          const sent = folder === "Sent";
          yield [
            id,
            accountId,
            folder,
            sent ? own.address : other.address,
            sent ? other.address : r.chance(0.2) ? `${own.address}, ${externalAddress(ctx, r).address}` : own.address,
            `${r.pick(["Re: ", "", "", "Fwd: "])}${r.pick(ctx.pools.products)} ${r.pick(["quote", "order", "meeting", "invoice", "question"])}`,
            letter(ctx, r, other.name, sent ? own.displayName : other.name),
            timestamp(REFERENCE_TIME - Math.floor(r.next() * 4 * YEAR) - r.int(0, 23) * HOUR),
          ];
        }
      }
    },
  };
}

function externalAddress(ctx: GeneratorContext, r: Random): { address: string; name: string } {
  const companyId = r.int(1, ctx.plan.companies);
  const contactId = contactOf(ctx, companyId, r.next());
  const person = contactPerson(ctx, contactId, companyId);
  const name = `${person.firstName} ${person.lastName}`;
  return { address: person.email ?? `post@${companyIdentity(ctx, companyId).domain}`, name };
}

/** A short business letter: greeting, two to six sentences, signature. */
export function letter(ctx: GeneratorContext, r: Random, to: string, from: string): string {
  const sentences: string[] = [];
  for (let i = r.int(2, 6); i > 0; i--) sentences.push(r.pick(ctx.pools.phrases));
  return `Hi ${to.split(" ")[0] ?? to},\n\n${sentences.join(" ")}\n\nBest regards,\n${from}`;
}
