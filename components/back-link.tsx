import Link from "next/link";

/** The way back up from a detail page to its list, above the page's heading. */
export function BackLink({ href, children }: { href: string; children: string }) {
  return (
    <p className="text-sm">
      <Link href={href} className="text-brand-700 underline">
        {children}
      </Link>
    </p>
  );
}
