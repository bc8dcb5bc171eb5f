import type { CSSProperties, ReactNode } from "react";

/** Columns a table can label on a phone (app/globals.css names --col-1 to --col-10). */
const LABELLED_COLUMNS = 10;

/**
 * The portal's tables: a caption for screen readers, column headers. Columns given as
 * `false` are left out (role-dependent columns). On a phone each row is a card with each
 * cell labelled by its column (app/globals.css, table.stacks).
 */
export function DataTable({ caption, columns, children, className = "mt-6" }: {
  caption: string;
  columns: (string | false)[];
  children: ReactNode;
  className?: string;
}) {
  const shown = columns.filter((c): c is string => c !== false);
  // The headers as CSS strings, for the cells' labels on a phone (JSON's quoting is CSS's for these).
  const labels = Object.fromEntries(shown.slice(0, LABELLED_COLUMNS).map((column, i) => [`--col-${i + 1}`, JSON.stringify(column)])) as CSSProperties;
  return (
    // relative: the sr-only caption is absolutely positioned; without a positioned scroller it
    // sits at the far end of a wide table and widens the whole page. It still scrolls sideways
    // where a table is wider than the screen but the phone's cards are not in use (a tablet).
    <div className={`${className} relative overflow-x-auto rounded-lg border border-slate-200 bg-white`}>
      <table className="stacks min-w-full divide-y divide-slate-200 text-sm" style={labels}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            {shown.map((column) => (
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
