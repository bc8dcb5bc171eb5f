import { describe, expect, it } from "vitest";
import { tenantInputSchema } from "../tenants/schema";
import { productionTlsWarning, productionUrlProblem, withoutSessionNames } from "./production-url";

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

  it("draws a warning when it reaches a host over the network unchecked", () => {
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c")).toMatch(/reaches crm-db\.example\.com without sslmode: the copy's reads travel in plain text/);
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?sslmode=no-verify")).toMatch(/to whoever answers/);
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?sslmode=verify-full")).toBeNull();
    // libpq's reading: require and prefer check no certificate; require with a root certificate checks its chain.
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?uselibpqcompat=true&sslmode=require")).toMatch(/with sslmode=require \(as libpq reads it\): the copy's reads travel to whoever answers/);
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?uselibpqcompat=true&sslmode=prefer")).toMatch(/to whoever answers/);
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?uselibpqcompat=true&sslmode=require&sslrootcert=/etc/ca.pem")).toBeNull();
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?uselibpqcompat=true&sslmode=disable")).toMatch(/in plain text/);
    expect(productionTlsWarning("postgres://r:pw@crm-db.example.com/c?sslmode=require")).toBeNull();
    expect(productionTlsWarning("postgres://r:pw@localhost:5432/c")).toBeNull();
    expect(productionTlsWarning("postgres://r:pw@127.0.0.1/c")).toBeNull();
  });
});
