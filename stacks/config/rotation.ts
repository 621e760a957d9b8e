/**
 * `stellaops:rotation`: credential rotation as one config change (docs/operations.md, Rotate).
 * Only the shape is checked here; ranges and service names (the catalog, additions included)
 * are the rotation plan's business (components/rotation.ts), so each rule lives in one place.
 */
import { z } from "zod";

const counter = z.number({ error: "expected an integer from 0 to 1000000 (raise it by one to rotate)" });

export const rotationFields = {
    epoch: counter.optional().describe("raise by one to rotate every credential the stack generates (default 0)"),
    services: z.record(z.string(), counter).optional().describe("per catalog service, raise by one to rotate only that service's credentials, e.g. `{ scanner: 1 }` (default {})"),
};
