import NextAuth from "next-auth";
import { authOptions, publicOrigin } from "@/lib/auth/options";
import { requestOrigin } from "@/lib/http/request-origin";

async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  // next-auth 4 reads params synchronously; Next 16 hands them over as a promise.
  const params = await context.params;
  const options = authOptions(requestOrigin(request.headers) ?? publicOrigin());
  return (NextAuth(options) as (req: Request, ctx: { params: { nextauth: string[] } }) => Promise<Response>)(request, { params });
}

export { handler as GET, handler as POST };
