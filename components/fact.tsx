/** One labelled fact in a <dl> of facts (a sandbox's, an order's): a direct child of the list, as axe requires. */
export function Fact({ label, value, className, testId }: { label: string; value: string; className?: string; testId?: string }) {
  return (
    <div className={className} data-testid={testId}>
      <dt className="text-slate-600">{label}</dt>
      <dd className="font-medium break-words">{value}</dd>
    </div>
  );
}
