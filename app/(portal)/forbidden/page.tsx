import Link from "next/link";

export const metadata = { title: "Not allowed" };

export default function Forbidden() {
  return (
    <section className="py-12 text-center">
      <h1 className="text-2xl font-semibold">You do not have access to that page</h1>
      <p className="mt-2 text-slate-600">Your role does not include it. Ask your administrator if you need it.</p>
      <Link href="/" className="mt-4 inline-block text-brand-700 underline">Back to the portal</Link>
    </section>
  );
}
