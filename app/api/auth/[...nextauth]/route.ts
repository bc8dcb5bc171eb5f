import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  // next-auth 4 reads params synchronously; Next 16 hands them over as a promise.
  const params = await context.params;
  return (NextAuth(authOptions()) as (req: Request, ctx: { params: { nextauth: string[] } }) => Promise<Response>)(
    request,
    { params },
  );
}

export { handler as GET, handler as POST };
