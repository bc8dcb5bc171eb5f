import { describe, expect, it } from "vitest";
import { DEFAULT_SIGN_IN_URL_TEMPLATE, fillSignInUrl, signInUrlTemplateSchema } from "../config/sign-in-url-template";
import { hasUsableCopy } from "./sign-in";

describe("the sandbox sign-in address", () => {
  it("fills the sandbox key into the template, encoded so it cannot change the host or path", () => {
    expect(fillSignInUrl(DEFAULT_SIGN_IN_URL_TEMPLATE, "Cust90001")).toBe("https://sod.superoffice.com/Cust90001");
    expect(fillSignInUrl("https://x.test/{sandboxCustomerId}", "a/../b?c#d")).toBe("https://x.test/a%2F..%2Fb%3Fc%23d");
  });

  it("accepts only http(s) templates that name the key", () => {
    expect(signInUrlTemplateSchema.safeParse(DEFAULT_SIGN_IN_URL_TEMPLATE).success).toBe(true);
    expect(signInUrlTemplateSchema.safeParse("https://sod.superoffice.com/fixed").success).toBe(false);
    expect(signInUrlTemplateSchema.safeParse("javascript:alert(1)//{sandboxCustomerId}").success).toBe(false);
    expect(signInUrlTemplateSchema.safeParse("{sandboxCustomerId}").success).toBe(false);
  });

  it("is offered only while the sandbox has a verified copy", () => {
    expect(hasUsableCopy({ status: "READY", databaseName: "sbx" })).toBe(true);
    expect(hasUsableCopy({ status: "REFRESHING", databaseName: "sbx" })).toBe(true);
    expect(hasUsableCopy({ status: "PROVISIONING", databaseName: null })).toBe(false);
    expect(hasUsableCopy({ status: "DELETED", databaseName: null })).toBe(false);
  });

  it("is not offered once a deletion is under way, whose database is dropped before the sandbox is marked deleted", () => {
    expect(hasUsableCopy({ status: "READY", databaseName: "sbx", shown: "DELETING" })).toBe(false);
    expect(hasUsableCopy({ status: "READY", databaseName: "sbx", shown: "READY" })).toBe(true);
    expect(hasUsableCopy({ status: "REFRESHING", databaseName: "sbx", shown: "REFRESHING" })).toBe(true);
  });
});
