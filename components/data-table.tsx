import type { ReactNode } from "react";

/**
 * The portal's tables: scrollable on small screens, a caption for screen
 * readers, column headers. Columns given as `false` are left out (role-dependent columns).
 */
export function DataTable({ caption, columns, children, className = "mt-6" }: {
  caption: string;
  columns: (string | false)[];
  children: ReactNode;
  className?: string;
}) {
  return (
    // relative: the sr-only caption is absolutely positioned; without a positioned scroller it
    // sits at the far end of a wide table and widens the whole page on a phone.
    <div className={`${className} relative overflow-x-auto rounded-lg border border-slate-200 bg-white`}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            {columns.filter((c): c is string => c !== false).map((column) => (
              <th key={column} scope="col" className="px-3 py-2 font-semibold">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">{children}</tbody>
      </table>
    </div>
  );
}

/** What a list shows when it has nothing in it. */
export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">{children}</p>;
}
