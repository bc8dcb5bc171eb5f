import { z } from "zod";

/** One notification by id, or all of the user's when id is absent. */
export const markReadSchema = z.object({ id: z.string().min(1).optional() });
