import Link from "next/link";

/** What forbidden() shows, with HTTP 403, at the address that was asked for. */
export default function Forbidden() {
  return (
    <section className="py-12 text-center">
      <title>Not allowed · Sandbox Portal</title>
      <h1 className="text-2xl font-semibold">You do not have access to that page</h1>
      <p className="mt-2 text-slate-600">Your role does not include it. Ask your administrator if you need it.</p>
      <Link href="/" className="mt-4 inline-block text-brand-700 underline">Back to the portal</Link>
    </section>
  );
}
