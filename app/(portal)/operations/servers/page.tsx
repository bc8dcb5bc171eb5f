import type { Metadata } from "next";
import { BackLink } from "@/components/back-link";
import { requireActor } from "@/lib/auth/actor";
import { copyLimits } from "@/lib/config/copy-limits";
import { serverAddress } from "@/lib/sandbox-servers/registry";
import { capacityToForm } from "@/lib/sandbox-servers/schema";
import { describeSizeUse, intakeOf, listServerUse, ofCapacity } from "@/lib/sandbox-servers/use";
import { NewServerForm } from "./_components/new-server-form";
import { ServerSettingsForm } from "./_components/server-settings-form";

export const metadata: Metadata = { title: "Sandbox servers" };

/** Operators' page for the pool: each server's use and settings, and registering a new one. Never a URL. */
export default async function SandboxServersPage() {
  await requireActor("servers.manage");
  const defaultRuns = copyLimits().runsPerSandboxServer;
  // Only what the page shows leaves the server: names, addresses (host:port) and figures.
  const servers = (await listServerUse()).map(({ urlEncrypted, ...use }) => ({ ...use, address: serverAddress({ urlEncrypted }) }));
  return (
    <section aria-labelledby="servers-heading" className="max-w-4xl space-y-8">
      <div>
        <BackLink href="/operations">Operations</BackLink>
        <h1 id="servers-heading" className="mt-1 text-2xl font-semibold">Sandbox servers</h1>
        <p className="mt-1 text-sm text-slate-600">
          A new sandbox goes to its customer&apos;s pinned server when it has one, otherwise to the active server with the most free capacity. A
          sandbox stays on the server it was placed on. When no server has room, orders are refused and operators are alerted. A copy reserves its
          expected size against its server&apos;s size cap before it writes, and waits for a later attempt when the room is taken.
        </p>
      </div>

      {servers.map((s) => (
        <section key={s.id} aria-labelledby={`server-${s.id}`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="sandbox-server">
          <div>
            <h2 id={`server-${s.id}`} className="text-lg font-semibold">
              {s.name} <span className="text-sm font-normal text-slate-600">({intakeOf(s)})</span>
            </h2>
            <p className="font-mono text-xs text-slate-600">{s.id === "built-in" ? `${s.address}, from SANDBOX_SERVER_URL` : s.address}</p>
            <dl className="mt-2 grid grid-cols-1 gap-1 text-sm sm:grid-cols-3">
              <div><dt className="inline text-slate-600">Sandboxes: </dt><dd className="inline">{ofCapacity(s.databases, s.maxDatabases)}</dd></div>
              <div><dt className="inline text-slate-600">Size: </dt><dd className="inline">{describeSizeUse(s)}</dd></div>
              <div><dt className="inline text-slate-600">Copies now: </dt><dd className="inline">{ofCapacity(s.runsInFlight, s.maxConcurrentRuns ?? defaultRuns)}</dd></div>
            </dl>
          </div>
          <ServerSettingsForm defaults={{ id: s.id, name: s.name, draining: s.state === "DRAINING", ...capacityToForm(s) }} defaultRuns={defaultRuns} />
        </section>
      ))}

      <section aria-labelledby="new-server-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="new-server-heading" className="text-lg font-semibold">Register a sandbox server</h2>
        <NewServerForm defaultRuns={defaultRuns} />
      </section>
    </section>
  );
}
