import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    userId?: string;
    authAt?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    authAt?: number;
  }
}
