import { describe, expect, it, vi } from "vitest";
import { tenantInputSchema } from "../tenants/schema";
import { productionTlsWarning, productionUrlProblem, withoutSessionNames } from "./production-url";
import { ProductionNotReadOnlyError, readOnlyConfig } from "./read-only";

describe("a production URL", () => {
  it("carries TLS settings and nothing that would override the read-only session's, at registration too", () => {
    expect(productionUrlProblem("postgres://reader:pw@crm-db:5432/cust1?sslmode=verify-full&sslrootcert=/etc/ca.pem")).toBeNull();
    expect(productionUrlProblem("postgres://reader:pw@crm-db/cust1?options=-c%20default_transaction_read_only%3Doff")).toMatch(/not options:/);
    expect(productionUrlProblem("postgres://reader:pw@crm-db/cust1?client_encoding=LATIN1")).toMatch(/not client_encoding:/);
    // How to connect, and a session's name (the portal names its own), are no override.
    expect(productionUrlProblem("postgres://reader:pw@crm-db/cust1?ssl=true&connect_timeout=5&application_name=crm&target_session_attrs=read-write")).toBeNull();
    expect(withoutSessionNames("postgres://reader:pw@crm-db/cust1?sslmode=verify-full&application_name=crm")).toBe("postgres://reader:pw@crm-db/cust1?sslmode=verify-full");
    const registered = tenantInputSchema.safeParse({ customerId: "Cust1", companyName: "A", productionUrl: "postgres://r:pw@crm-db/c?statement_timeout=0" });
    expect(registered.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/may carry only TLS and connection settings .* not statement_timeout/)]);
  });

  it("draws a warning when it reaches a host over the network unchecked (lib/db/tls-policy.ts), and a refusal under REQUIRE_DATABASE_TLS", () => {
    const plain = "postgres://r:pw@crm-db.example.com/c";
    expect(productionTlsWarning(plain)).toMatch(/^the production URL reaches crm-db\.example\.com without sslmode: its sessions travel in plain text; use sslmode=verify-full/);
    expect(productionTlsWarning(`${plain}?sslmode=verify-full`)).toBeNull();
    expect(productionTlsWarning("postgres://r:pw@localhost:5432/c")).toBeNull();
    expect(productionUrlProblem(plain)).toBeNull();

    vi.stubEnv("REQUIRE_DATABASE_TLS", "true");
    try {
      expect(productionUrlProblem(plain)).toMatch(/^reaches crm-db\.example\.com without sslmode: .*REQUIRE_DATABASE_TLS refuses it$/);
      expect(productionUrlProblem(`${plain}?sslmode=verify-full`)).toBeNull();
      expect(productionUrlProblem("postgres://r:pw@localhost:5432/c")).toBeNull();
      // At registration, and at every connection: a session is refused before it connects.
      const registered = tenantInputSchema.safeParse({ customerId: "Cust1", companyName: "A", productionUrl: `${plain}?sslmode=no-verify` });
      expect(registered.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/travel to whoever answers.*REQUIRE_DATABASE_TLS refuses it/)]);
      expect(() => readOnlyConfig(plain)).toThrow(ProductionNotReadOnlyError);
      expect(() => readOnlyConfig(plain)).toThrow(/refused: its URL reaches crm-db\.example\.com without sslmode/);
      expect(readOnlyConfig(`${plain}?sslmode=verify-full`).connectionString).toBe(`${plain}?sslmode=verify-full`);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
