/**
 * The pool of sandbox servers: `server:add|list|drain|undrain|set|remove|write-off`. Every change is
 * audited ("An operator (CLI)"); a server's URL is never printed, only its host:port.
 */
import { copyLimits } from "../../lib/config/copy-limits";
import { serverNameOf } from "../../lib/db/urls";
import { addServer, changeServer, changeServerUrl, removeServer, type ServerChanges } from "../../lib/sandbox-servers/mutations";
import { serverAddress, SandboxServerError, serverUrl } from "../../lib/sandbox-servers/registry";
import { tlsShown } from "../../lib/db/tls-policy";
import { capacityFormSchema, capacityFromForm, newServerFormSchema, serverNameSchema } from "../../lib/sandbox-servers/schema";
import { describeSizeUse, listServerUse, ofCapacity } from "../../lib/sandbox-servers/use";
import { writeOffServer } from "../../lib/sandbox-servers/write-off";
import { afterRunFinished } from "../../lib/worker/run-finished";
import { CliError } from "./cli-error";
import { required, text, type Flags } from "./flags";

const CAPACITY_FLAGS = { maxDatabases: "max-databases", maxTotalGb: "max-size-gb", maxConcurrentRuns: "max-runs" } as const;

/** The capacity flags given, as the staff form's text ("unlimited"/"default" = empty = no limit of its own). */
function capacityText(flags: Flags): Partial<Record<keyof typeof CAPACITY_FLAGS, string>> {
  const given = Object.entries(CAPACITY_FLAGS).flatMap(([field, flag]) => {
    const value = text(flags, flag);
    return value === undefined ? [] : [[field, ["unlimited", "default"].includes(value) ? "" : value]];
  });
  return Object.fromEntries(given) as Partial<Record<keyof typeof CAPACITY_FLAGS, string>>;
}

function problems(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const flag = (path: PropertyKey[]) => CAPACITY_FLAGS[path[0] as keyof typeof CAPACITY_FLAGS] ?? String(path[0]);
  return error.issues.map((i) => `--${flag(i.path)}: ${i.message}`).join("; ");
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SandboxServerError) throw new CliError(error.message);
    throw error;
  }
}

export async function addServerCommand(flags: Flags): Promise<void> {
  const parsed = newServerFormSchema.safeParse({
    name: required(flags, "name"),
    url: required(flags, "url"),
    maxDatabases: "", maxTotalGb: "", maxConcurrentRuns: "",
    ...capacityText(flags),
  });
  if (!parsed.success) throw new CliError(problems(parsed.error));
  const { name, url } = parsed.data;
  const server = await guarded(() => addServer({ name, url, ...capacityFromForm(parsed.data) }, null, "operator CLI"));
  console.log(`sandbox server ${server.name} registered at ${serverNameOf(url)}, ACTIVE`);
  if (server.caution) console.error(`warning: ${server.caution}`);
}

export async function listServersCommand(): Promise<void> {
  const defaultRuns = copyLimits().runsPerSandboxServer;
  const servers = await listServerUse();
  console.table(
    servers.map((s) => ({
      name: s.name,
      address: serverAddress(s),
      tls: tlsShown(serverUrl(s)),
      state: s.state,
      databases: ofCapacity(s.databases, s.maxDatabases),
      size: describeSizeUse(s),
      runs: ofCapacity(s.runsInFlight, s.maxConcurrentRuns ?? `${defaultRuns} (default)`),
    })),
  );
}

const serverName = (flags: Flags) => {
  const name = serverNameSchema.safeParse(required(flags, "name"));
  if (!name.success) throw new CliError(`--name: ${name.error.issues[0]?.message}`);
  return name.data;
};

export const drainServerCommand = (flags: Flags) => setState(flags, "DRAINING");
export const undrainServerCommand = (flags: Flags) => setState(flags, "ACTIVE");

async function setState(flags: Flags, state: "ACTIVE" | "DRAINING"): Promise<void> {
  const { name, changed } = await guarded(() => changeServer(serverName(flags), { state }, null, "operator CLI"));
  const already = changed ? "" : "already: nothing changed; ";
  console.log(
    state === "DRAINING"
      ? `sandbox server ${name} is draining (${already}no new sandboxes go to it; the ones on it keep refreshing and can be deleted)`
      : `sandbox server ${name} takes new sandboxes${changed ? " again" : " (already: nothing changed)"}`,
  );
}

/** `--rename`, any capacity flag, `--url`: only what is given changes. */
export async function setServerCommand(flags: Flags): Promise<void> {
  // Every flag is judged before anything changes: a bad --max-runs after a good --url moved the server and then failed.
  const url = text(flags, "url");
  const changes: ServerChanges = {};
  const rename = text(flags, "rename");
  if (rename !== undefined) {
    const parsed = serverNameSchema.safeParse(rename);
    if (!parsed.success) throw new CliError(`--rename: ${parsed.error.issues[0]?.message}`);
    changes.name = parsed.data;
  }
  const given = capacityText(flags);
  const parsed = capacityFormSchema.partial().safeParse(given);
  if (!parsed.success) throw new CliError(problems(parsed.error));
  const capacity = capacityFromForm({ maxDatabases: "", maxTotalGb: "", maxConcurrentRuns: "", ...parsed.data });
  for (const field of ["maxDatabases", "maxConcurrentRuns"] as const) if (field in given) changes[field] = capacity[field];
  if ("maxTotalGb" in given) changes.maxTotalBytes = capacity.maxTotalBytes;
  if (Object.keys(changes).length === 0 && url === undefined) throw new CliError("give --rename, --url or a capacity: --max-databases, --max-size-gb, --max-runs");

  if (url !== undefined) {
    const { name } = await guarded(() => changeServerUrl(serverName(flags), url, null, "operator CLI"));
    console.log(`sandbox server ${name} is reached at ${serverNameOf(url)} from now on`);
  }
  if (Object.keys(changes).length === 0) return;
  const { name, changed } = await guarded(() => changeServer(serverName(flags), changes, null, "operator CLI"));
  console.log(changed ? `sandbox server ${name} changed` : `sandbox server ${name} already was so: nothing changed`);
}

export async function removeServerCommand(flags: Flags): Promise<void> {
  const { name } = await guarded(() => removeServer(serverName(flags), null, "operator CLI"));
  console.log(`sandbox server ${name} removed from the pool`);
}


/**
 * A server lost for good: its sandboxes end as deleted (their people told), its copy-less
 * orders move to other servers, and it is drained; `server:remove` then takes it out of the pool.
 */
export async function writeOffServerCommand(flags: Flags): Promise<void> {
  const answersAt = text(flags, "url");
  const outcome = await guarded(() => writeOffServer(serverName(flags), required(flags, "confirm"), required(flags, "reason"), null, "operator CLI", { answersAt }));
  for (const s of outcome.deleted) {
    // What follows a deletion: access ended, its people told. Should this fail, a worker's sweep does it within minutes.
    await afterRunFinished(s.runId).catch((error: unknown) => console.error(`telling the people of sandbox ${s.id} failed (a worker's sweep tells them): ${String(error)}`));
    console.log(`sandbox ${s.id} ("${s.name}", ${s.customerId}) ended as deleted: its copy was on ${outcome.name}`);
  }
  for (const s of outcome.moved) console.log(`sandbox ${s.id} ("${s.name}", ${s.customerId}) had no copy yet: moved to ${s.to}`);
  console.log(`sandbox server ${outcome.name} written off: ${outcome.deleted.length} ended as deleted, ${outcome.moved.length} moved; it is draining, and server:remove takes it out of the pool`);
}
