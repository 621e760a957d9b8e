/**
 * `stellaops:services`: services a deployment adds to the catalog (its schema, Valkey namespace,
 * buckets, NATS streams) without editing code, e.g. the Evidence Locker. Names that clash with
 * the catalog, or refer to purposes and schemas that do not exist, are found when the catalog is
 * extended (components/catalog-extend.ts).
 */
import { z } from "zod";
import { SETTINGS, VALKEY_PATTERNS } from "../../components/catalog";
import { bool, identifier, oneOf } from "./rules";

const natsName = z.string({ error: "expected a JetStream name" }).regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: "expected an upper-case JetStream name such as EVIDENCE_JOBS" });
const natsSubject = z.string({ error: "expected a subject" }).regex(/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/, { error: "expected a dotted subject such as evidence.jobs" });
const envKey = z.string({ error: "expected an environment variable name" }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name (a .NET key with `:` written as `__`)" });

export const serviceName = z.string().regex(/^[a-z][a-z0-9]{1,30}$/, { error: "expected a service name of lowercase letters and digits (it names roles, users and accounts)" });

const serviceAddition = z.strictObject({
    title: z.string({ error: "expected a title" }).optional(),
    schema: identifier.optional().describe("the PostgreSQL schema the service owns"),
    holds: z.string({ error: "expected a description" }).optional(),
    valkey: z.array(oneOf(VALKEY_PATTERNS)).default(["cache"]),
    queues: z.array(z.strictObject({ stream: z.string({ error: "expected a stream key" }), group: z.string({ error: "expected a consumer group" }) })).default([]),
    buckets: z.array(z.strictObject({ purpose: z.string({ error: "expected a bucket purpose" }), access: oneOf(["readwrite", "readonly"] as const).default("readwrite") })).default([]),
    nats: z.strictObject({ subjects: natsSubject, streams: z.array(z.strictObject({ name: natsName, subject: natsSubject, consumer: z.string().optional() })) }).optional(),
    routed: bool.default(true),
    env: z.partialRecord(oneOf(SETTINGS), z.array(envKey)).optional(),
});

export type ServiceAddition = z.infer<typeof serviceAddition>;

export const servicesSection = z
    .record(serviceName, serviceAddition)
    .default({})
    .describe("services added to the catalog: `<name>: { schema, valkey, queues, buckets, nats, routed, env }` (see README, Extending the catalog)");
