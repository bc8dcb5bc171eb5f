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

describe("an identity column's sequence", () => {
  /** Its options as a server that only speaks PostgreSQL's protocol may answer them: the words of a statement. */
  const identitySchema = (increment: string): SourceSchema => ({
    enums: [],
    tables: [{ name: "booking", estimatedRows: 0, bytes: 0, indexBytes: 0, columns: [{ ...column("id", "integer"), identity: "a" }] }],
    constraints: [],
    indexes: [],
    sequences: [
      {
        name: "booking_id_seq",
        dataType: "integer",
        start: "1",
        increment,
        min: "1",
        max: "2147483647",
        cache: "1",
        cycle: false,
        ownedBy: { table: "booking", column: "id" },
        identity: true,
        lastValue: null,
        ownedMax: null,
      },
    ],
    objects: [],
    databaseBytes: 0,
  });

  it("is recreated with production's numbers", () => {
    const plan = planSchema(identitySchema("1"), copyingBooking());
    expect(plan.problems).toEqual([]);
    expect(plan.tables[0]!.columns[0]!.identity?.sequence?.name).toBe("booking_id_seq");
  });

  it("is refused when its options are anything but numbers, as a standalone sequence's are: they go into the sandbox's CREATE TABLE as they are", () => {
    const plan = planSchema(
      identitySchema("1)); CREATE FUNCTION public.planted() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TABLE planted (y int GENERATED ALWAYS AS IDENTITY (INCREMENT BY 1"),
      copyingBooking(),
    );
    expect(plan.problems).toEqual([expect.stringContaining('sequence "booking_id_seq" has options the portal cannot recreate')]);
  });
});
