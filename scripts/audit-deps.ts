/**
 * `npm run audit:deps`: the installed packages against known advisories.
 *
 *   npm run audit:deps                  the registry's advisories (`npm audit`), where its audit endpoint is reachable
 *   npm run audit:deps -- --osv <dir>   offline: OSV advisories in <dir> (*.json), e.g. the unzipped npm/all.zip
 *                                       export of osv.dev, downloaded on a machine with internet access
 *
 * Exit 0: nothing known affects an installed version. 1: something does (listed).
 * 2: no advisory source could be read: never reported as "no advisories".
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { findVulnerable, installedPackages, type Finding, type OsvAdvisory } from "../lib/security/advisories";

const { values } = parseArgs({ options: { osv: { type: "string" } } });

async function offlineFindings(dir: string): Promise<Finding[]> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".json"));
  if (files.length === 0) throw new Error(`no OSV advisories (*.json) in ${dir}`);
  const advisories = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as OsvAdvisory));
  const lock = JSON.parse(await readFile("package-lock.json", "utf8")) as Parameters<typeof installedPackages>[0];
  const packages = installedPackages(lock);
  console.log(`checked ${packages.length} installed packages against ${advisories.length} OSV advisories from ${dir}`);
  return findVulnerable(packages, advisories);
}

/** `npm audit` exits 1 both for findings and for an unreachable endpoint: its JSON tells which. */
async function registryAudit(): Promise<number> {
  const output = await promisify(execFile)("npm", ["audit", "--json"], { maxBuffer: 64 * 1024 * 1024 })
    .then((r) => r.stdout)
    .catch((error: { stdout?: string }) => error.stdout ?? "");
  const report = JSON.parse(output || "{}") as { message?: string; metadata?: { vulnerabilities?: Record<string, number> }; vulnerabilities?: Record<string, { severity: string; via: unknown[]; fixAvailable: unknown }> };
  if (!report.metadata?.vulnerabilities) {
    console.error(`the registry's audit endpoint gave no report (${report.message ?? "no answer"}).`);
    console.error("Run this where the endpoint is reachable, or offline with --osv <dir> (README, Security).");
    return 2;
  }
  const entries = Object.entries(report.vulnerabilities ?? {});
  for (const [name, v] of entries) console.log(`${v.severity.toUpperCase().padEnd(9)} ${name}  fix: ${JSON.stringify(v.fixAvailable)}`);
  console.log(`npm audit: ${JSON.stringify(report.metadata.vulnerabilities)}`);
  return entries.length > 0 ? 1 : 0;
}

function printFindings(findings: Finding[]): number {
  for (const { pkg, advisory } of findings) {
    console.log(`${advisory.severity.padEnd(9)} ${pkg.name}@${pkg.version}${pkg.dev ? " (dev)" : ""}  ${advisory.id} ${advisory.aliases.join(" ")}  ${advisory.summary}`);
  }
  console.log(findings.length === 0 ? "no known advisory affects an installed version" : `${findings.length} advisory match(es)`);
  return findings.length > 0 ? 1 : 0;
}

try {
  process.exitCode = values.osv ? printFindings(await offlineFindings(values.osv)) : await registryAudit();
} catch (error) {
  console.error(`audit:deps: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
