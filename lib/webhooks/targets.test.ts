import { afterEach, describe, expect, it } from "vitest";
import { endpointUrlProblem } from "./schema";
import { isRefusedAddress, PRIVATE_TARGET_REFUSED, privateTargetProblem } from "./targets";

afterEach(() => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
});

describe("webhook targets (SSRF)", () => {
  it("refuses loopback, private, link-local, shared, reserved and IPv4-embedding addresses, and allows public ones", () => {
    const refused = ["127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
      "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:a9fe:a9fe", "64:ff9b::a00:1", "2002:7f00:1::", "not an address",
      // IPv4 inside other IPv6 forms: IPv4-compatible, -translated, local-use NAT64 (to the metadata service), Teredo; discard, documentation.
      "::7f00:1", "::127.0.0.1", "::ffff:0:7f00:1", "64:ff9b:1::a9fe:a9fe", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "100::1", "2001:db8::1", "3fff::1"];
    for (const address of refused) expect(isRefusedAddress(address), address).toBe(true);
    for (const address of ["93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:82b::200e", "2620:fe::fe"]) expect(isRefusedAddress(address), address).toBe(false);
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
    for (const url of ["https://127.0.0.1/x", "https://[::1]/x", "https://[::ffff:127.0.0.1]/x", "https://169.254.169.254/latest/meta-data", "https://localhost:8443/x", "https://api.localhost/x",
      "https://localhost./x", "https://api.localhost./x", "https://localhost%2e/x", "https://[::127.0.0.1]/x", "https://[64:ff9b:1::a9fe:a9fe]/x"]) {
      expect(endpointUrlProblem(url), url).toBeNull();
      expect(privateTargetProblem(url), url).toBe(PRIVATE_TARGET_REFUSED);
    }
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.0/8";
    expect(privateTargetProblem("https://localhost:8443/x")).toBeNull();
  });
});
