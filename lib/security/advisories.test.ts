import { describe, expect, it } from "vitest";
import { affects, findVulnerable, inSemverRange, installedPackages, type OsvAdvisory } from "./advisories";

const advisory = (name: string, events: Record<string, string>[], extra: Partial<OsvAdvisory> = {}): OsvAdvisory => ({
  id: `GHSA-test-${name}`,
  summary: `test advisory for ${name}`,
  affected: [{ package: { ecosystem: "npm", name }, ranges: [{ type: "SEMVER", events }] }],
  database_specific: { severity: "HIGH" },
  ...extra,
});

describe("OSV matching of installed packages", () => {
  it("follows OSV's introduced / fixed / last_affected rules, prereleases included", () => {
    const events = [{ introduced: "0" }, { fixed: "1.2.3" }, { introduced: "2.0.0" }, { last_affected: "2.1.0" }];
    expect(["0.1.0", "1.2.2", "1.2.3-rc.1", "2.0.0", "2.1.0"].map((v) => inSemverRange(v, events))).toEqual([true, true, true, true, true]);
    expect(["1.2.3", "1.9.9", "2.1.1", "15.18.0-beta.17"].map((v) => inSemverRange(v, events))).toEqual([false, false, false, false]);
  });

  it("matches by ecosystem and exact name, explicit versions too, and skips withdrawn advisories", () => {
    const pkg = { name: "next-auth", version: "4.24.15", dev: false };
    expect(affects(advisory("next-auth", [{ introduced: "4.0.0" }, { fixed: "4.24.16" }]), pkg)).toBe(true);
    expect(affects(advisory("next-auth", [{ introduced: "4.0.0" }, { fixed: "4.24.15" }]), pkg)).toBe(false);
    expect(affects(advisory("next", [{ introduced: "0" }]), pkg)).toBe(false);
    expect(affects({ id: "X", affected: [{ package: { ecosystem: "PyPI", name: "next-auth" }, versions: ["4.24.15"] }] }, pkg)).toBe(false);
    expect(affects({ id: "Y", affected: [{ package: { ecosystem: "npm", name: "next-auth" }, versions: ["4.24.15"] }] }, pkg)).toBe(true);
    expect(affects(advisory("next-auth", [{ introduced: "0" }], { withdrawn: "2026-01-01T00:00:00Z" }), pkg)).toBe(false);
  });

  it("reads every installed package of this project's lockfile, nested copies included, and flags what an advisory affects", async () => {
    const lock = (await import("../../package-lock.json", { with: { type: "json" } })).default;
    const packages = installedPackages(lock);
    const otplib = packages.find((p) => p.name === "otplib");
    expect(otplib).toMatchObject({ version: "13.5.0", dev: false });
    expect(packages.find((p) => p.name === "vitest")?.dev).toBe(true);
    const findings = findVulnerable(packages, [advisory("otplib", [{ introduced: "13.0.0" }, { fixed: "13.5.1" }]), advisory("vitest", [{ introduced: "0" }, { fixed: "1.0.0" }])]);
    expect(findings.map((f) => `${f.pkg.name}@${f.pkg.version} ${f.advisory.id} ${f.advisory.severity}`)).toEqual(["otplib@13.5.0 GHSA-test-otplib HIGH"]);
  });
});
