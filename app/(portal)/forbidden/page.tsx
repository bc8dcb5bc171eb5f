import { forbidden } from "next/navigation";

/** Old links to /forbidden: the same page, with its 403. */
export default function ForbiddenPage(): never {
  forbidden();
}
