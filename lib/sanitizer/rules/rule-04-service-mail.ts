/**
 * Rule 4, Service mail: production's mailboxes are not copied; the sandbox gets one
 * new mailbox without credentials, and tickets that pointed at a mailbox point at it.
 */
import { check, countAll, countWhere, offendingRows, type ContractRule } from "./rule";


const CHANGE_LABELS: Record<string, string> = { "service_mailbox.removed": "Service mailboxes removed", "service_mailbox.created": "Sandbox Service mailbox created", "ticket.mailbox_repointed": "Tickets moved to the sandbox mailbox" };

export const serviceMailRule: ContractRule = {
  rule: 4,
  title: "Service mail",
  copy(table, ctx) {
    if (table.name === "service_mailbox") return { noRows: true, changes: [{ rule: 4, key: "service_mailbox.removed", aggregate: countAll }] };
    if (table.name !== "ticket") return undefined;
    return {
      columns: { mailbox_id: `CASE WHEN mailbox_id IS NULL THEN NULL ELSE ${ctx.newMailboxId} END` },
      changes: [{ rule: 4, key: "ticket.mailbox_repointed", aggregate: countWhere("mailbox_id IS NOT NULL") }],
    };
  },
  async afterCopy(tx, input) {
    // Created with an explicit id above every production mailbox id, so it can
    // never be mistaken for one; tickets were already pointed at it by the copy.
    // OVERRIDING SYSTEM VALUE: the copy's id may be GENERATED ALWAYS AS IDENTITY.
    await tx.$executeRaw`INSERT INTO service_mailbox (id, address, is_active, created_at) OVERRIDING SYSTEM VALUE
                         VALUES (${input.newMailboxId}, ${input.serviceMailboxAddress}, true, now())`;
    return { "service_mailbox.created": 1 };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(4, "exactly one Service mailbox, new, without credentials", (c, e) =>
      offendingRows(
        c,
        `SELECT format('service_mailbox %s: %s', id, address) AS o FROM service_mailbox
          WHERE (id, address) IS DISTINCT FROM ($1::int, $2::text)
             OR host IS NOT NULL OR username IS NOT NULL OR password IS NOT NULL OR oauth_refresh_token IS NOT NULL
         UNION ALL SELECT 'no Service mailbox' FROM (SELECT 1) x WHERE NOT EXISTS (SELECT 1 FROM service_mailbox)`,
        [e.newMailboxId, e.serviceMailboxAddress],
      ),
    ),
    check(4, "tickets point at the sandbox's mailbox or none", (c, e) =>
      offendingRows(c, `SELECT format('ticket %s: mailbox_id=%s', id, mailbox_id) AS o FROM ticket WHERE mailbox_id <> $1`, [e.newMailboxId]),
    ),
  ],
};
