import { describe, expect, it } from "vitest";
import { SANDBOX_KINDS } from "../sanitizer/options";
import { FIXED_SECONDS } from "./estimate";
import { kindOffers, kindSize } from "./kind-sizes";

const footprint = { databaseBytes: 1_000_000, documentBytes: 300_000, attachmentBytes: 200_000, configurationBytes: 20_000, rows: 50_000, configurationRows: 400 };

describe("kind sizes", () => {
  it("a full copy moves every row and all but documents and attachments; a configuration-only one the configuration alone", () => {
    expect(kindSize(footprint, "full")).toEqual({ rows: 50_000, bytes: 500_000 });
    expect(kindSize(footprint, "config")).toEqual({ rows: 400, bytes: 20_000 });
  });

  it("a partial copy at the default 10 %: the configuration and a tenth of the records", () => {
    expect(kindSize(footprint, "partial")).toEqual({ rows: 400 + 4_960, bytes: 20_000 + 48_000 });
  });

  it("offers every kind, in order, with its expected duration", () => {
    const offers = kindOffers(footprint, { bytesPerSecond: 10_000 });
    expect(offers.map((o) => o.kind)).toEqual([...SANDBOX_KINDS]);
    expect(offers.map((o) => [o.kind, o.seconds])).toEqual([["full", FIXED_SECONDS + 50], ["partial", FIXED_SECONDS + 7], ["config", FIXED_SECONDS + 2]]);
    expect(offers.find((o) => o.kind === "config")).toMatchObject({ label: "Configuration only", holds: expect.stringContaining("no customer records") });
  });
});
