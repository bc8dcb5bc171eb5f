import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    userId?: string;
    authAt?: number;
    /** The UserSession row this token belongs to (lib/auth/sessions.ts). */
    sessionId?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    authAt?: number;
    sid?: string;
  }
}
