/**
 * The catalog a deployment runs with: StellaOps' own services plus those its stack config adds
 * (`stellaops:services`), bucket purposes renamed or added (`objectStore.buckets`), and the
 * Router's key names (`valkey.router`). Pure; problems name the config key.
 */
import { BucketPurposeSpec, CATALOG, Catalog, ROUTER_KEY_NAMES, RouterKeyNames, Setting, ServiceSpec, ValkeyPattern, routerSharedKeys } from "./catalog";
import { Problems } from "./problems";

/** A service added in config, as validated there. */
export interface ServiceAddition {
    readonly title?: string;
    readonly schema?: string;
    readonly holds?: string;
    readonly valkey: readonly ValkeyPattern[];
    readonly queues: readonly { readonly stream: string; readonly group: string }[];
    readonly buckets: readonly { readonly purpose: string; readonly access: "readwrite" | "readonly" }[];
    readonly nats?: { readonly subjects: string; readonly streams: readonly { readonly name: string; readonly subject: string; readonly consumer?: string }[] };
    readonly routed: boolean;
    readonly env?: Partial<Record<Setting, readonly string[]>>;
}

export interface PurposeOverride {
    readonly name?: string;
    readonly prefix?: string;
    readonly objectLock?: boolean;
    readonly expires?: boolean;
}

export interface CatalogAdditions {
    readonly services?: Readonly<Record<string, ServiceAddition>>;
    readonly buckets?: Readonly<Record<string, PurposeOverride>>;
    readonly router?: Partial<RouterKeyNames> & { readonly rateLimitUsers?: readonly string[] };
}

function purposes(base: readonly BucketPurposeSpec[], overrides: Readonly<Record<string, PurposeOverride>>, problems: Problems): BucketPurposeSpec[] {
    const out = base.map((p) => {
        const o = overrides[p.purpose];
        return o ? { ...p, bucket: o.name ?? p.bucket, prefix: o.prefix ?? p.prefix, objectLock: o.objectLock ?? p.objectLock, expires: o.expires ?? p.expires } : p;
    });
    for (const [purpose, o] of Object.entries(overrides)) {
        if (base.some((p) => p.purpose === purpose)) continue;
        if (!problems.need(/^[a-z][A-Za-z0-9]{1,30}$/.test(purpose), ["objectStore", "buckets", purpose], "expected a purpose name of letters and digits, starting lowercase", purpose)) continue;
        if (!problems.need(o.name !== undefined, ["objectStore", "buckets", purpose, "name"], `expected a bucket name: "${purpose}" is not a catalog purpose (${base.map((p) => p.purpose).join(", ")}), so it needs one`, undefined)) continue;
        out.push({ purpose, bucket: o.name!, prefix: o.prefix ?? "", objectLock: o.objectLock ?? false, expires: o.expires ?? false, source: "stack config" });
    }
    return out;
}

/** The extended catalog; throws a PlanError naming every bad key. */
export function extendCatalog(add: CatalogAdditions, base: Catalog = CATALOG): Catalog {
    const problems = new Problems();
    const allPurposes = purposes(base.purposes, add.buckets ?? {}, problems);
    const services: ServiceSpec[] = [...base.services];
    const schemas = [...base.schemas];
    for (const [name, s] of Object.entries(add.services ?? {})) {
        const at = ["services", name];
        if (!problems.need(!services.some((x) => x.name === name), at, `expected a service not already in the catalog (${base.services.map((x) => x.name).join(", ")})`, name)) continue;
        s.buckets.forEach((b, i) => {
            problems.need(allPurposes.some((p) => p.purpose === b.purpose), [...at, "buckets", i, "purpose"], `expected a bucket purpose (${allPurposes.map((p) => p.purpose).join(", ")}, or one declared in objectStore.buckets)`, b.purpose);
        });
        if (s.schema !== undefined) {
            const clash = schemas.find((x) => x.name === s.schema);
            if (problems.need(!clash, [...at, "schema"], `expected a schema name no other service owns ("${s.schema}" is ${clash?.owner}'s)`, s.schema)) {
                schemas.push({ name: s.schema, owner: name, holds: s.holds ?? `${s.title ?? name} data` });
            }
        }
        services.push({
            name,
            title: s.title ?? name,
            valkey: s.valkey,
            queues: s.queues,
            buckets: s.buckets,
            ...(s.nats && { nats: s.nats }),
            routed: s.routed,
            ...(s.env && { env: s.env }),
        });
    }
    const router = add.router ?? {};
    const names: RouterKeyNames = { ...ROUTER_KEY_NAMES, ...Object.fromEntries(Object.entries(router).filter(([k, v]) => k !== "rateLimitUsers" && v !== undefined)) };
    const sharedKeys = routerSharedKeys(services, names).map((k) => (k.key === "routerRateLimit" && router.rateLimitUsers ? { ...k, users: [...new Set(["gateway", ...router.rateLimitUsers])] } : k));
    (router.rateLimitUsers ?? []).forEach((u, i) => {
        problems.need(services.some((s) => s.name === u), ["valkey", "router", "rateLimitUsers", i], `expected a catalog service (${services.map((s) => s.name).join(", ")})`, u);
    });
    problems.throwIfAny("");
    return { services, schemas, purposes: allPurposes, sharedKeys };
}
