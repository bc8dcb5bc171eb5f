/** The mails about an order before its setup is confirmed: filed for the customer, changed, and cancelled. */
import { Facts, MailLayout, Paragraph } from "./parts";
import { portalLink } from "./render";

export interface OrderFacts {
  sandboxId: string;
  sandboxName: string;
  companyName: string;
  customerId: string;
  /** Plan label and count, e.g. "Sales Premium × 3". */
  plans: readonly string[];
  note: string | null;
}

export const orderFiledSubject = (name: string) => `Sandbox "${name}" waits for your setup`;

export function OrderFiledMail({ order, by }: { order: OrderFacts; by: string }) {
  const subject = orderFiledSubject(order.sandboxName);
  return (
    <MailLayout notice preview={subject} heading={subject} action={{ label: "Start the setup", href: portalLink(`/sandboxes/${order.sandboxId}/setup`) }}>
      <Paragraph>{`${by} ordered the sandbox "${order.sandboxName}" for ${order.companyName}. Choose who gets access and how the copy is prepared in the setup wizard; the copy starts when you confirm.`}</Paragraph>
      <OrderFactsList order={order} />
    </MailLayout>
  );
}

/** What an order was before a change: its name, plans and note. */
export type OrderBefore = Pick<OrderFacts, "sandboxName" | "plans" | "note">;

export const orderChangedSubject = (name: string) => `The order for the sandbox "${name}" was changed`;

/** Each changed fact is shown as it is now, with what it was beside it; unchanged ones as they are. */
export function OrderChangedMail({ order, before, by }: { order: OrderFacts; before: OrderBefore; by: string }) {
  const subject = orderChangedSubject(order.sandboxName);
  return (
    <MailLayout notice preview={subject} heading={subject} action={{ label: "See the order", href: portalLink(`/orders/${order.sandboxId}`) }}>
      <Paragraph>{`${by} changed the order for the sandbox "${order.sandboxName}" of ${order.companyName}. Its setup is not confirmed yet: the setup wizard offers what the order holds now.`}</Paragraph>
      <OrderFactsList order={order} before={before} />
    </MailLayout>
  );
}

export const orderCancelledSubject = (name: string) => `The order for the sandbox "${name}" was cancelled`;

export function OrderCancelledMail({ order, by, reason }: { order: OrderFacts; by: string; reason: string | null }) {
  const subject = orderCancelledSubject(order.sandboxName);
  return (
    <MailLayout notice preview={subject} heading={subject} action={{ label: "See the orders", href: portalLink("/orders") }}>
      <Paragraph>{`${by} cancelled the order for the sandbox "${order.sandboxName}" before its setup was confirmed. Nothing was copied, and the name can be used again.`}</Paragraph>
      <OrderFactsList order={order} extra={[["Reason", reason]]} />
    </MailLayout>
  );
}

const planList = (plans: readonly string[]) => (plans.length ? plans.join(", ") : "none");

/** `before`: what a change replaced, each beside its fact, shown only where it differs. */
function OrderFactsList({ order, before, extra = [] }: { order: OrderFacts; before?: OrderBefore; extra?: [string, string | null][] }) {
  return (
    <Facts
      rows={[
        ["Sandbox", order.sandboxName],
        ["Named before", before && before.sandboxName !== order.sandboxName ? before.sandboxName : null],
        ["Customer", `${order.companyName} (${order.customerId})`],
        ["User plans ordered", planList(order.plans)],
        ["Plans before", before && planList(before.plans) !== planList(order.plans) ? planList(before.plans) : null],
        ["Note", order.note],
        ["Note before", before && before.note !== order.note ? (before.note ?? "none") : null],
        ...extra,
      ]}
    />
  );
}
