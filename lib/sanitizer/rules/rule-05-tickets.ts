/**
 * Rule 5, tickets: every open, pending or postponed ticket is closed at the snapshot time.
 * A production without the contract's CHECK on status may spell them "Open" or
 * "pending ": read as the CRM would, those are open too. A status the contract does not
 * know at all ("new", "waiting") may be open in that CRM: the copy fails closed on it.
 */
import { VALUE_DOMAINS } from "../../crm/contract";
import { quoteLiteral, timestamptzLiteral } from "../sql";
import { check, countWhere, offendingRows, type ContractRule } from "./rule";

const ACTIVE_TICKET_STATUSES = ["open", "pending", "postponed"] as const;
const KNOWN_TICKET_STATUSES = VALUE_DOMAINS.flatMap((d) => (d.table === "ticket" && d.column === "status" && d.kind === "values" ? d.values : []));

/** The status as the CRM reads it: case and surrounding spaces aside. */
const READ_STATUS = "lower(btrim(status::text))";
const ACTIVE = `${READ_STATUS} IN (${ACTIVE_TICKET_STATUSES.map(quoteLiteral).join(", ")})`;


const CHANGE_LABELS: Record<string, string> = { "ticket.closed": "Open, pending and postponed tickets closed" };

export const ticketsRule: ContractRule = {
  rule: 5,
  title: "Tickets",
  copy(table, ctx) {
    if (table.name !== "ticket") return undefined;
    return {
      columns: {
        status: `CASE WHEN ${ACTIVE} THEN 'closed' ELSE status END`,
        closed_at: `CASE WHEN ${ACTIVE} THEN ${timestamptzLiteral(ctx.snapshotAt)} ELSE closed_at END`,
      },
      changes: [{ rule: 5, key: "ticket.closed", aggregate: countWhere(ACTIVE) }],
    };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(5, "no ticket is open, pending or postponed", (c) =>
      offendingRows(c, `SELECT format('ticket %s: status=%s', id, left(status::text, 40)) AS o FROM ticket WHERE ${READ_STATUS} = ANY($1)`, [[...ACTIVE_TICKET_STATUSES]]),
    ),
    check(5, "every ticket's status is one the contract knows", (c) =>
      offendingRows(
        c,
        `SELECT format('ticket %s: status %s is none of %s', id, coalesce(quote_literal(left(status::text, 40)), 'NULL'), array_to_string($1::text[], ', ')) AS o
           FROM ticket WHERE status IS NULL OR ${READ_STATUS} <> ALL($1::text[])`,
        [KNOWN_TICKET_STATUSES],
      ),
    ),
    check(5, "closed tickets carry the snapshot time", (c, e) =>
      offendingRows(
        c,
        `SELECT format('%s tickets closed at the snapshot, expected at least %s', n, $2::int) AS o
           FROM (SELECT count(*) AS n FROM ticket WHERE status = 'closed' AND closed_at = $1::timestamptz) x WHERE n < $2::int`,
        [e.snapshotAt, e.ticketsClosed],
      ),
    ),
  ],
};
