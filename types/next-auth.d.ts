import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    userId?: string;
    authAt?: number;
    /** The UserSession row this token belongs to (lib/auth/sessions.ts). */
    sessionId?: string;
    twoFactor?: boolean;
  }

  interface User {
    /** Set by the credentials provider when the sign-in checked a second factor. */
    twoFactor?: boolean;
    /** Set by the credentials provider: when the password it checked was set (ms), which a session opens only over. */
    passwordChangedAt?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    authAt?: number;
    sid?: string;
    twoFactor?: boolean;
  }
}
