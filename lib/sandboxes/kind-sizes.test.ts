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

  it("offers every kind, in order, with its expected duration", () => {
    const offers = kindOffers(footprint, { bytesPerSecond: 10_000 });
    expect(offers.map((o) => o.kind)).toEqual([...SANDBOX_KINDS]);
    expect(offers.map((o) => o.seconds)).toEqual([FIXED_SECONDS + 50, FIXED_SECONDS + 2]);
    expect(offers[1]).toMatchObject({ label: "Configuration only", holds: expect.stringContaining("no customer records") });
  });
});
