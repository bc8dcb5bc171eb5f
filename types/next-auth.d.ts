import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    userId?: string;
    authAt?: number;
    twoFactor?: boolean;
  }

  interface User {
    /** Set by the credentials provider when the sign-in checked a second factor. */
    twoFactor?: boolean;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    authAt?: number;
    twoFactor?: boolean;
  }
}
