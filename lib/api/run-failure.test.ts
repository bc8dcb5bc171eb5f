import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";
import { publicFailure, RUN_FAILURE_CODES } from "./run-failure";

describe("a failed run's code, as the API and webhooks give it", () => {
  it("tells retry later, choose again and needs support apart by a stable code", () => {
    expect(publicFailure("PRODUCTION_BUSY")).toEqual({ failureCode: "PRODUCTION_BUSY", retryable: true });
    expect(publicFailure("GAVE_WAY")).toEqual({ failureCode: "PRODUCTION_BUSY", retryable: true });
    expect(publicFailure("UNREACHABLE")).toEqual({ failureCode: "UNREACHABLE", retryable: true });
    expect(publicFailure("PRODUCTION_UNREACHABLE")).toEqual({ failureCode: "UNREACHABLE", retryable: true });
    expect(publicFailure("WORKER_LOST")).toEqual({ failureCode: "INTERRUPTED", retryable: true });
    expect(publicFailure("VERIFY_FAILED")).toEqual({ failureCode: "VERIFY_FAILED", retryable: true });
    expect(publicFailure("INVALID_OPTIONS")).toEqual({ failureCode: "INVALID_OPTIONS", retryable: false });
    expect(publicFailure("DRIFT")).toEqual({ failureCode: "DRIFT", retryable: false });
    expect(publicFailure("BROKEN_REFERENCES")).toEqual({ failureCode: "BROKEN_REFERENCES", retryable: false });
  });

  it("never names what is the operators' to know (the sandbox server's role, a refused connection, a database by that name)", () => {
    for (const stored of ["SANDBOX_SERVER_ROLE", "CONNECTION_REFUSED", "DATABASE_EXISTS", "INVALID_CLASSIFICATION"]) {
      expect(publicFailure(stored), stored).toEqual({ failureCode: "NEEDS_OPERATOR", retryable: false });
    }
  });

  it("gives a failure with no code of the portal's, or one it does not know, as UNEXPECTED, never the stored text", () => {
    expect(publicFailure(null)).toEqual({ failureCode: "UNEXPECTED", retryable: true });
    expect(publicFailure("COPY_FAILED")).toEqual({ failureCode: "UNEXPECTED", retryable: true });
    expect(publicFailure("SOMETHING_NEW")).toEqual({ failureCode: "UNEXPECTED", retryable: true });
  });

  it("documents every code, with what to do, in the OpenAPI document's Progress and WebhookEvent", () => {
    const schemas = openApiDocument().components.schemas as Record<string, { properties: Record<string, { anyOf?: { properties: Record<string, { enum?: string[]; anyOf?: { enum?: string[] }[]; description?: string }> }[]; properties?: Record<string, { enum?: string[]; anyOf?: { enum?: string[] }[]; description?: string }> }> }>;
    const runOf = (id: string) => {
      const run = schemas[id]!.properties[id === "Progress" ? "run" : "data"]!;
      const object = run.anyOf?.find((s) => s.properties) ?? run;
      return id === "Progress" ? object.properties! : (object.properties!.run as unknown as { properties: Record<string, { anyOf?: { enum?: string[] }[]; description?: string }> }).properties;
    };
    for (const id of ["Progress", "WebhookEvent"]) {
      const code = runOf(id).failureCode!;
      expect(code.anyOf?.find((s) => s.enum)?.enum, id).toEqual(Object.keys(RUN_FAILURE_CODES));
      for (const name of Object.keys(RUN_FAILURE_CODES)) expect(code.description, `${id} ${name}`).toContain(name);
      expect(runOf(id).retryable, id).toBeDefined();
    }
  });
});
