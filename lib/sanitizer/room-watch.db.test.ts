/**
 * A copy whose expected size falls short, as a partial copy's can when the companies
 * it names hold most of production's rows: here the estimate is made 1 MB, and the
 * copy pauses before its indexes long enough for its size to be measured. It must ask
 * for more room once it outgrows its reservation, go on when it gets it, and stop
 * when it does not, its database dropped and production untouched.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { checksums, databaseNames, generateProduction, newSandboxName, sandboxUrl } from "../testing/sanitizer-fixtures";
import { SanitizationError } from "./errors";
import type * as ExpectedSizeModule from "./expected-size";
import type { RoomVerdict } from "./expected-size";
import { provisionSandbox } from "./provision";

const MB = 1024 * 1024;

vi.mock("./expected-size", async (importOriginal) => ({
  ...(await importOriginal<typeof ExpectedSizeModule>()),
  expectedCopyBytes: () => MB,
}));

let prod: string;

beforeAll(async () => {
  prod = await generateProduction(23);
}, 120_000);

afterAll(async () => {
  await dropTestDatabase(prod);
});

/** A copy whose reservations `answer` decides, each asked size kept in `asked`; it waits 2.5 s before its indexes. */
async function provision(name: string, answer: (askedBefore: number) => RoomVerdict, asked: number[]) {
  return provisionSandbox({
    productionUrl: prod,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: "Cust90023",
    serviceMailboxAddress: "support@sandbox.example",
    options: {},
    reserveRoom: async (bytes) => {
      asked.push(bytes);
      return answer(asked.length - 1);
    },
    beforeStep: async (key) => {
      if (key === "indexes") await new Promise((r) => setTimeout(r, 2_500));
    },
  });
}

describe("a copy that outgrows the room it reserved", () => {
  it("asks for a quarter more than it has reached, and goes on when it gets it", async () => {
    const name = newSandboxName();
    const asked: number[] = [];
    try {
      await provision(name, () => "reserved", asked);
      expect(asked[0]).toBe(MB);
      // Its database alone (the template's catalogs) is several MB: at least once more was asked for.
      expect(asked.length).toBeGreaterThan(1);
      expect(asked[1]).toBeGreaterThan(1.25 * 5 * MB);
    } finally {
      await dropTestDatabase(sandboxUrl(name));
    }
  });

  it("stops when the server has no more room: NO_ROOM, its database dropped, production untouched", async () => {
    const name = newSandboxName();
    const asked: number[] = [];
    const before = await checksums(prod);
    const error = await provision(name, (n) => (n === 0 ? "reserved" : "no room now"), asked).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SanitizationError);
    expect((error as SanitizationError).code).toBe("NO_ROOM");
    expect((error as SanitizationError).message).toMatch(/^The sandbox server has no room for this copy \(about \d+\.\d MB\) right now\. Nothing was kept/);
    expect(asked.length).toBe(2);
    expect(await databaseNames()).not.toContain(name);
    expect(await checksums(prod)).toEqual(before);
  });

  it("stops for good when it outgrows what the server can hold at all: TOO_LARGE", async () => {
    const name = newSandboxName();
    const error = await provision(name, (n) => (n === 0 ? "reserved" : "never fits"), []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as SanitizationError).code).toBe("TOO_LARGE");
    expect(await databaseNames()).not.toContain(name);
  });
});
