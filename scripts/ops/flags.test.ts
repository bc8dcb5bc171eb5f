import { describe, expect, it, vi } from "vitest";
import { withSecretsFromStdin } from "./flags";

describe("secrets given to the operator CLI", () => {
  it("reads a flag given as - from standard input, keeping the secret off the command line", async () => {
    const flags = await withSecretsFromStdin({ "customer-id": "Cust1", "production-url": "-" }, async () => "postgres://reader:s3cret@db/crm\n");
    expect(flags).toEqual({ "customer-id": "Cust1", "production-url": "postgres://reader:s3cret@db/crm" });
  });

  it("lets one flag at a time read standard input, and refuses an empty one", async () => {
    await expect(withSecretsFromStdin({ "production-url": "-", "sandbox-server-url": "-" }, async () => "x")).rejects.toThrow(/only one of --production-url, --sandbox-server-url/);
    await expect(withSecretsFromStdin({ password: "-" }, async () => "  \n")).rejects.toThrow(/nothing was given/);
  });

  it("warns when a password is on the command line, in a URL's user part or query, and not when none is", async () => {
    const warn = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await withSecretsFromStdin({ "production-url": "postgres://reader:s3cret@db/crm" });
      await withSecretsFromStdin({ url: "postgres://maker@db/postgres?password=s3cret" });
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[0]![0])).not.toContain("s3cret");
      warn.mockClear();
      await withSecretsFromStdin({ "production-url": "postgres://reader@db/crm?sslmode=require" });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
