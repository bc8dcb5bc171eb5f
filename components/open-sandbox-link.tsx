/** "Open sandbox": the sandbox's sign-in address, in a new tab. `name` tells several links in a list apart for screen readers. */
export function OpenSandboxLink({ url, name, compact = false }: { url: string; name?: string; compact?: boolean }) {
  const size = compact ? "px-2.5 py-1 text-xs" : "px-4 py-2 text-sm";
  return (
    <a
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      className={`inline-block rounded-md bg-brand-600 font-semibold whitespace-nowrap text-white hover:bg-brand-700 ${size}`}
    >
      Open sandbox{name && <span className="sr-only"> {name}</span>}
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}
