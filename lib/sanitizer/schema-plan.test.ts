/**
 * Which of production's keys the plan recreates on its own: a temporal key (PostgreSQL
 * 18's WITHOUT OVERLAPS and PERIOD) is not the plain key on its columns.
 */
import { describe, expect, it } from "vitest";
import { EMPTY_CLASSIFICATION, type Classification } from "./classification";
import { planSchema } from "./schema-plan";
import type { SourceColumn, SourceConstraint, SourceSchema } from "./schema-reader";

const column = (name: string, type: string): SourceColumn => ({
  name,
  type,
  typeLabel: type,
  enumType: null,
  notNull: true,
  identity: "",
  serialSequence: null,
  otherDefault: false,
  generated: false,
  collation: null,
});

const key = (name: string, period: boolean): SourceConstraint => ({
  table: "booking",
  name,
  kind: "p",
  columns: ["room", "during"],
  deferrable: false,
  validated: true,
  noInherit: false,
  nullsNotDistinct: false,
  period,
  foreignKey: null,
  domain: null,
});

const schema = (k: SourceConstraint): SourceSchema => ({
  enums: [],
  tables: [{ name: "booking", estimatedRows: 0, bytes: 0, indexBytes: 0, columns: [column("room", "int4range"), column("during", "tstzrange")] }],
  constraints: [k],
  indexes: [],
  sequences: [],
  objects: [],
  databaseBytes: 0,
});

const copyingBooking = (objects: Classification["objects"] = []): Classification => ({ ...EMPTY_CLASSIFICATION, tables: { booking: "copy" }, objects });

describe("an extra table's primary key", () => {
  it("comes with its table when plain", () => {
    const plan = planSchema(schema(key("booking_pkey", false)), copyingBooking());
    expect(plan.constraints.map((k) => k.name)).toEqual(["booking_pkey"]);
    expect(plan.unknown).toEqual([]);
  });

  it("WITHOUT OVERLAPS is unknown until classified, and cannot be copied as a plain key", () => {
    const unclassified = planSchema(schema(key("booking_pkey", true)), copyingBooking());
    expect(unclassified.constraints).toEqual([]);
    expect(unclassified.unknown).toEqual([{ kind: "primary key", table: "booking", name: "booking_pkey" }]);

    const copied = planSchema(schema(key("booking_pkey", true)), copyingBooking([{ kind: "primary key", table: "booking", name: "booking_pkey", treatment: "copy" }]));
    expect(copied.constraints).toEqual([]);
    expect(copied.problems).toEqual([expect.stringContaining('primary key "booking_pkey" on booking is deferrable, not validated, NULLS NOT DISTINCT or temporal')]);
  });
});
