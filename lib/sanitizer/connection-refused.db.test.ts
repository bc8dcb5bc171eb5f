/**
 * A run refuses a connection the portal's own safety settings do not allow, before it
 * reads or makes anything, and tells its customer so without the operators' details:
 * a production URL that would override the read-only session's settings, and, under
 * REQUIRE_DATABASE_TLS, a production or sandbox server URL without checked TLS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { describeFailure, hasOperatorOnlyDetails, isTransient } from "../jobs/failure";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { EMPTY_CLASSIFICATION } from "./classification";
import { provisionSandbox, type ProvisionInput } from "./provision";
import type { RunProgress } from "./progress";
import { databaseNames, generateProduction, newSandboxName, sandboxUrl } from "../testing/sanitizer-fixtures";

let prod: string;

beforeAll(async () => {
  prod = await generateProduction(29);
});
afterAll(async () => {
  await dropTestDatabase(prod);
});
afterEach(() => vi.unstubAllEnvs());

const run = (extra: Partial<ProvisionInput> = {}): ProvisionInput => ({
  productionUrl: prod,
  sandboxServerUrl: testSandboxServerUrl(),
  databaseName: newSandboxName(),
  sandboxCustomerId: "Cust90029",
  serviceMailboxAddress: "support@sandbox.example",
  options: { kind: "config" },
  classification: EMPTY_CLASSIFICATION,
  ...extra,
});

/** The same server, reached by a name that is no loopback: over the network, as far as the URL says. */
const overTheNetwork = (url: string, query = "") => {
  const moved = new URL(url);
  moved.hostname = "crm-db.invalid";
  return moved.toString() + query;
};

/** Runs `input`, expecting a refusal; what its customer and its operators are told. */
async function refusal(input: ProvisionInput): Promise<{ error: { code: string; message: string }; customer: string }> {
  const error = await provisionSandbox(input).then(
    () => expect.fail("the run was not refused"),
    (e: unknown) => e as { code: string; message: string },
  );
  expect(await databaseNames()).not.toContain(input.databaseName);
  return { error, customer: describeFailure(error) };
}

describe("a connection the portal's settings refuse", () => {
  it("ends the run before anything is made, for good, and its customer reads why without a host or a setting's value", async () => {
    const failedSteps: string[] = [];
    const onProgress = (progress: RunProgress) => void failedSteps.push(...progress.steps.flatMap((step) => (step.state === "failed" ? [step.detail ?? ""] : [])));
    const { error, customer } = await refusal(run({ productionUrl: `${prod}?options=-c%20default_transaction_read_only%3Doff`, onProgress }));
    expect(error).toMatchObject({ code: "CONNECTION_REFUSED", message: expect.stringMatching(/may carry only TLS and connection settings .* not options/) });
    expect(isTransient(error)).toBe(false);
    expect(hasOperatorOnlyDetails(error)).toBe(true);
    expect(customer).toMatch(/^The portal refused a connection that does not meet its safety settings/);
    expect(customer).not.toMatch(/options|read_only|localhost|127\.0\.0\.1/);
    // The progress page, which the customer watches, says it in the same words.
    expect(failedSteps.at(-1)).toBe("The portal refused a connection that does not meet its safety settings; nothing was read or created.");
  });

  it("under REQUIRE_DATABASE_TLS, refuses a production or sandbox server reached over the network without checked TLS", async () => {
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    const production = await refusal(run({ productionUrl: overTheNetwork(prod) }));
    expect(production.error).toMatchObject({ code: "CONNECTION_REFUSED", message: expect.stringMatching(/^production's URL reaches crm-db\.invalid without sslmode: .*REQUIRE_DATABASE_TLS refuses it\.$/) });
    const server = await refusal(run({ sandboxServerUrl: overTheNetwork(testSandboxServerUrl(), "?sslmode=no-verify") }));
    expect(server.error).toMatchObject({ code: "CONNECTION_REFUSED", message: expect.stringMatching(/^the sandbox server's URL reaches crm-db\.invalid with sslmode=no-verify: its sessions travel to whoever answers/) });
    for (const { customer } of [production, server]) expect(customer).not.toContain("crm-db.invalid");
  });

  it("under REQUIRE_DATABASE_TLS, still copies over loopback, whose traffic never leaves the machine", async () => {
    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    const input = run();
    try {
      const report = await provisionSandbox(input);
      expect(report.tables.length).toBeGreaterThan(0);
    } finally {
      await dropTestDatabase(sandboxUrl(input.databaseName));
    }
  });
});
