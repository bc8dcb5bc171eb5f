/** The mails about an order before its setup is confirmed: filed for the customer, and cancelled. */
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

function OrderFactsList({ order, extra = [] }: { order: OrderFacts; extra?: [string, string | null][] }) {
  return (
    <Facts
      rows={[
        ["Sandbox", order.sandboxName],
        ["Customer", `${order.companyName} (${order.customerId})`],
        ["User plans ordered", order.plans.length ? order.plans.join(", ") : "none"],
        ["Note", order.note],
        ...extra,
      ]}
    />
  );
}
