/**
 * Matching the installed packages (package-lock.json) against OSV advisories
 * (https://ossf.github.io/osv-schema/): the offline half of `npm run audit:deps`,
 * for machines that cannot reach the registry's audit endpoint. Plain
 * TypeScript, no network: the advisories come from files an operator copied in.
 */
import semver from "semver";

export interface InstalledPackage {
  name: string;
  version: string;
  dev: boolean;
}

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
}

export interface OsvAdvisory {
  id: string;
  summary?: string;
  aliases?: string[];
  withdrawn?: string;
  affected?: {
    package?: { ecosystem?: string; name?: string };
    versions?: string[];
    ranges?: { type: string; events: OsvEvent[] }[];
  }[];
  database_specific?: { severity?: string };
}

export interface Finding {
  pkg: InstalledPackage;
  advisory: { id: string; summary: string; severity: string; aliases: string[] };
}

/** Every installed package of a lockfile v2/v3, once per name and version. */
export function installedPackages(lock: { packages?: Record<string, { name?: string; version?: string; dev?: boolean; link?: boolean }> }): InstalledPackage[] {
  const seen = new Map<string, InstalledPackage>();
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (where === "" || entry.link || !entry.version) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    const key = `${name}@${entry.version}`;
    const known = seen.get(key);
    // A version needed by production code anywhere counts as production.
    if (!known) seen.set(key, { name, version: entry.version, dev: entry.dev === true });
    else known.dev &&= entry.dev === true;
  }
  return [...seen.values()];
}

/** OSV's rule for one SEMVER range: events in version order switch "affected" on (introduced) and off (fixed, after last_affected). */
export function inSemverRange(version: string, events: OsvEvent[]): boolean {
  const at = (e: OsvEvent) => {
    const v = e.introduced ?? e.fixed ?? e.last_affected ?? "0";
    return v === "0" ? "0.0.0-0" : v;
  };
  let affected = false;
  for (const event of [...events].sort((a, b) => semver.compare(at(a), at(b)))) {
    if (event.introduced !== undefined && semver.gte(version, at(event))) affected = true;
    else if (event.fixed !== undefined && semver.gte(version, event.fixed)) affected = false;
    else if (event.last_affected !== undefined && semver.gt(version, event.last_affected)) affected = false;
  }
  return affected;
}

export function affects(advisory: OsvAdvisory, pkg: InstalledPackage): boolean {
  if (advisory.withdrawn || !semver.valid(pkg.version)) return false;
  return (advisory.affected ?? []).some(
    (a) =>
      a.package?.ecosystem === "npm" &&
      a.package.name === pkg.name &&
      ((a.versions ?? []).includes(pkg.version) ||
        (a.ranges ?? []).some((r) => r.type === "SEMVER" && inSemverRange(pkg.version, r.events))),
  );
}

export function findVulnerable(packages: InstalledPackage[], advisories: OsvAdvisory[]): Finding[] {
  const byName = new Map<string, OsvAdvisory[]>();
  for (const advisory of advisories) {
    for (const name of new Set((advisory.affected ?? []).map((a) => a.package?.name).filter((n): n is string => !!n))) {
      byName.set(name, [...(byName.get(name) ?? []), advisory]);
    }
  }
  return packages.flatMap((pkg) =>
    (byName.get(pkg.name) ?? [])
      .filter((advisory) => affects(advisory, pkg))
      .map((advisory) => ({
        pkg,
        advisory: {
          id: advisory.id,
          summary: advisory.summary ?? "",
          severity: (advisory.database_specific?.severity ?? "UNKNOWN").toUpperCase(),
          aliases: advisory.aliases ?? [],
        },
      })),
  );
}
