import { afterEach, describe, expect, it } from "vitest";
import { endpointUrlProblem } from "./schema";
import { isRefusedAddress, PRIVATE_TARGET_REFUSED, privateTargetProblem } from "./targets";

afterEach(() => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
});

describe("webhook targets (SSRF)", () => {
  it("refuses loopback, private, link-local, shared, reserved and IPv4-embedding addresses, and allows public ones", () => {
    const refused = ["127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
      "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:a9fe:a9fe", "64:ff9b::a00:1", "2002:7f00:1::", "not an address"];
    for (const address of refused) expect(isRefusedAddress(address), address).toBe(true);
    for (const address of ["93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700:4700::1111"]) expect(isRefusedAddress(address), address).toBe(false);
  });

  it("lets an operator allow named ranges, and only those", () => {
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "10.20.0.0/16, 127.0.0.1";
    expect(isRefusedAddress("10.20.5.5")).toBe(false);
    expect(isRefusedAddress("127.0.0.1")).toBe(false);
    expect(isRefusedAddress("10.21.0.1")).toBe(true);
    expect(isRefusedAddress("127.0.0.2")).toBe(true);
    expect(isRefusedAddress("169.254.169.254")).toBe(true);
  });

  it("takes only https addresses without credentials, and refuses private literals and localhost at once", () => {
    expect(endpointUrlProblem("https://ci.example.com/hooks")).toBeNull();
    expect(privateTargetProblem("https://ci.example.com/hooks")).toBeNull();
    expect(endpointUrlProblem("http://ci.example.com/hooks")).toMatch(/https/);
    expect(endpointUrlProblem("https://user:pw@ci.example.com/hooks")).toMatch(/password/);
    expect(endpointUrlProblem("ci.example.com")).toMatch(/full address/);
    for (const url of ["https://127.0.0.1/x", "https://[::1]/x", "https://[::ffff:127.0.0.1]/x", "https://169.254.169.254/latest/meta-data", "https://localhost:8443/x", "https://api.localhost/x"]) {
      expect(endpointUrlProblem(url), url).toBeNull();
      expect(privateTargetProblem(url), url).toBe(PRIVATE_TARGET_REFUSED);
    }
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.0/8";
    expect(privateTargetProblem("https://localhost:8443/x")).toBeNull();
  });
});
