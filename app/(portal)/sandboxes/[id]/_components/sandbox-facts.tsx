import { Fact } from "@/components/fact";
import { formatBytes } from "@/lib/format";
import { viewerWhen } from "@/lib/viewer-time-zone";
import type { SandboxForPage } from "@/lib/sandboxes/queries";
import { describeContents, sandboxOptionsSchema } from "@/lib/sanitizer/options";

/** The facts at the top of the page: how old the data is, when it was refreshed, how big it is. */
export async function SandboxFacts({ sandbox, showCustomer, signInUrl }: { sandbox: SandboxForPage; showCustomer: boolean; signInUrl: string | null }) {
  const when = await viewerWhen();
  // The saved choices' kind (rule 17); none yet before the setup is confirmed.
  const options = sandboxOptionsSchema.safeParse(sandbox.options);
  return (
    <dl className="mt-4 grid gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-4">
      {showCustomer && <Fact label="Customer" value={`${sandbox.tenant.companyName} (${sandbox.tenant.customerId})`} />}
      <Fact label="Production data as of" value={when(sandbox.snapshotAt)} />
      <Fact label="Last refreshed" value={when(sandbox.lastRefreshedAt)} />
      <Fact label="Size" value={formatBytes(sandbox.sizeBytes)} />
      {sandbox.options !== null && options.success && <Fact label="What it holds" value={describeContents(options.data)} testId="sandbox-kind" />}
      <Fact label="Regular refresh" value={sandbox.autoRefreshDay ? `Monthly, day ${sandbox.autoRefreshDay}` : "None"} />
      {sandbox.sandboxCustomerId && <Fact label="Sandbox key" value={sandbox.sandboxCustomerId} />}
      {signInUrl && <Fact label="Sign-in address" value={signInUrl} />}
      {sandbox.note && <Fact label="Note on the order" value={sandbox.note} className="sm:col-span-4" testId="sandbox-note" />}
    </dl>
  );
}
