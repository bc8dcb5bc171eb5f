import { PLAN_LABEL, USER_PLANS } from "@/lib/sanitizer/options";
import type { EntitlementUse } from "@/lib/tenants/entitlements";

const WORDS = {
  customer: { heading: "Your agreement", none: "Your agreement sets no limit on sandboxes or user plans.", beyond: "To order beyond this, ask your sales rep: they can order it for you." },
  staff: { heading: "Covered now", none: "No limit is set: the customer's admins may order any number of sandboxes and user plans.", beyond: "Sales reps and operators may order beyond it." },
};

/** What a customer's agreement covers, what is in use and what is left: for its admins before they order, and for staff. */
export function EntitlementsPanel({ use, audience }: { use: EntitlementUse; audience: keyof typeof WORDS }) {
  const words = WORDS[audience];
  const limited = [
    ...(use.sandboxes.entitled === null ? [] : [{ label: "Sandboxes at once", ...use.sandboxes, entitled: use.sandboxes.entitled }]),
    ...USER_PLANS.flatMap((plan) => {
      const { entitled, used } = use.plans[plan];
      return entitled === null ? [] : [{ label: `${PLAN_LABEL[plan]} plans`, entitled, used }];
    }),
  ];
  // Said before the form is filled in, not only when its order is refused.
  const noSandboxLeft = audience === "customer" && use.sandboxes.entitled !== null && use.sandboxes.used >= use.sandboxes.entitled;
  return (
    <section aria-labelledby="entitlements-heading" className="rounded-lg border border-slate-200 bg-white p-4" data-testid="entitlements">
      <h2 id="entitlements-heading" className="text-base font-semibold">
        {words.heading}
      </h2>
      {noSandboxLeft && (
        <p className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="no-sandbox-left">
          Every sandbox your agreement covers is in use, so a new order would be refused. Delete a sandbox you no longer need, or ask your sales rep to
          order this one for you.
        </p>
      )}
      {limited.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">{words.none}</p>
      ) : (
        <>
          <table className="mt-2 text-sm">
            <caption className="sr-only">What the agreement covers</caption>
            <thead>
              <tr className="text-left text-slate-600">
                <th scope="col" className="pr-6 font-normal"></th>
                <th scope="col" className="pr-6 font-normal">Covered</th>
                <th scope="col" className="pr-6 font-normal">In use</th>
                <th scope="col" className="font-normal">Left</th>
              </tr>
            </thead>
            <tbody>
              {limited.map((row) => (
                <tr key={row.label}>
                  <th scope="row" className="pr-6 text-left font-normal">{row.label}</th>
                  <td className="pr-6 tabular-nums">{row.entitled}</td>
                  <td className="pr-6 tabular-nums">{row.used}</td>
                  <td className="font-medium tabular-nums">{Math.max(0, row.entitled - row.used)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-slate-600">{words.beyond}</p>
        </>
      )}
    </section>
  );
}
