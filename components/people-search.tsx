import { ListFilters } from "./list-filters";
import { TextField } from "./text-field";

/** Finding someone among an organisation's people: part of a name or an e-mail address, in the page's address. */
export function PeopleSearch({ action, search }: { action: string; search: string | undefined }) {
  return (
    <ListFilters action={action} label="Search the people" active={search !== undefined}>
      <TextField label="Search" name="q" type="search" defaultValue={search} hint="Part of a name or an e-mail address" />
    </ListFilters>
  );
}

/** What the list says when it shows none, or not all. */
export function peopleListWords(search: string | undefined, shown: number): { empty: string; more: string } {
  return {
    empty: search ? `No one matches “${search}”.` : "No one yet.",
    more: `Only the first ${shown} people, by name, are shown${search ? "" : ": search to find the others"}.`,
  };
}
