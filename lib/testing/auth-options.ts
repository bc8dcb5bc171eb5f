import { vi } from "vitest";
import type * as AuthOptionsModule from "../auth/options";

/**
 * lib/auth/options.ts loaded afresh for a portal whose public address is `nextauthUrl`, with the
 * other settings its environment check asks for stubbed (`vi.unstubAllEnvs` undoes them all).
 */
export async function loadAuthOptions(nextauthUrl: string): Promise<typeof AuthOptionsModule> {
  vi.resetModules();
  vi.stubEnv("NEXTAUTH_URL", nextauthUrl);
  vi.stubEnv("DATABASE_URL", "postgres://unused@localhost/unused");
  vi.stubEnv("SANDBOX_SERVER_URL", "postgres://maker@localhost/postgres");
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("DATABASE_SECRETS_KEY", Buffer.alloc(32).toString("base64"));
  return import("../auth/options");
}
