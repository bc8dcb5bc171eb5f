import { planLabel } from "@/lib/sanitizer/options";
import { DataTable } from "@/components/data-table";

interface Person {
  associateId: number;
  fullName: string;
  username: string;
  userPlan: string;
}

/** Who may sign in to the current copy, with which username (a pseudonymised copy's is made up) and on which plan: the people chosen in the wizard, as of the last copy. */
export function AccessList({ people }: { people: Person[] }) {
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading" className="text-lg font-semibold">
        Who has access
      </h2>
      {people.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nobody yet: access is given when a copy is ready.</p>
      ) : (
        <DataTable caption="People with access to this sandbox" className="mt-2" columns={["Name", "Username in the sandbox", "Plan"]}>
          {people.map((p) => (
            <tr key={p.associateId}>
              <td className="px-3 py-2">{p.fullName}</td>
              <td className="px-3 py-2">{p.username}</td>
              <td className="px-3 py-2">{planLabel(p.userPlan)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
