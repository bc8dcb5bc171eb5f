import { describe, expect, it } from "vitest";
import { redactUrl, withoutPasswords } from "./urls";

describe("connection URLs in messages", () => {
  it("masks the password wherever the URL holds it: its user part, or its query", () => {
    expect(redactUrl("postgres://reader:s3cret@db.example:5432/crm")).toBe("postgres://reader:***@db.example:5432/crm");
    const fromQuery = redactUrl("postgres://reader@db.example/crm?password=s3cret&sslmode=require&sslpassword=k3y");
    expect(fromQuery).not.toContain("s3cret");
    expect(fromQuery).not.toContain("k3y");
    expect(fromQuery).toContain("sslmode=require");
    expect(withoutPasswords("connect failed for postgres://reader:s3cret@db.example/crm: timeout")).toBe("connect failed for postgres://reader:***@db.example/crm: timeout");
    expect(withoutPasswords("tried postgres://a:first@db1.example/crm,postgresql://b:second@db2.example/crm")).toBe(
      "tried postgres://a:***@db1.example/crm,postgresql://b:***@db2.example/crm",
    );
  });

  it("masks a password written unencoded with a space or a quote in it, where the URL in the text ends early", () => {
    expect(withoutPasswords("connect failed for postgres://reader:pass word@db.example/crm: timeout")).toBe("connect failed for postgres://reader:***@db.example/crm: timeout");
    expect(withoutPasswords(`bad URL 'postgresql://reader:it's"here@db.example/crm'`)).toBe("bad URL 'postgresql://reader:***@db.example/crm'");
    // A URL whose password holds neither stays as it was, and so does the text after it.
    expect(withoutPasswords("postgres://reader:s3cret@db.example/crm failed; write to ops@example.com")).toBe("postgres://reader:***@db.example/crm failed; write to ops@example.com");
    expect(withoutPasswords("postgres://db.example:5432/crm failed; write to ops@example.com")).toBe("postgres://db.example:5432/crm failed; write to ops@example.com");
  });

  it("masks a password written unencoded with a \"/\" after digits, which a URL reads as a port and a path", () => {
    // What tenant:add said of a production URL given on standard input with such a password, the host unreachable.
    const url = "postgres://reader:2024/Secret@crm-db.example:5432/cust1";
    expect(redactUrl(url)).toBe("postgres://reader:***@crm-db.example:5432/cust1");
    expect(withoutPasswords(`Cannot connect to ${url}: getaddrinfo ENOTFOUND reader`)).not.toContain("Secret");
  });
});
