/**
 * PostgresBootstrapJob: the database, schemas, roles and grants of the plan, applied from inside
 * the cluster by a Job that runs psql from the (mirrored) PostgreSQL image against the server's
 * Service, so a runner outside the cluster network needs no port-forward. bootstrap.sql and the
 * script sit in a ConfigMap (passwords only as psql variables), the passwords in a Secret.
 * Pulumi awaits the Job; its name carries a hash of everything it runs, so a changed SQL, image
 * or password makes Pulumi create a new Job (and delete the old one), and nothing else does.
 * @example
 * new PostgresBootstrapJob("postgres-bootstrap", { plan, namespace, image, server: { host: pg.host, port: pg.port, sslMode: "disable" }, admin: { user: "postgres", password }, podLabel, ready: [pg.server.statefulSet] }, { providers: [k8sProvider] });
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../catalog";
import { generatedPassword } from "../credentials";
import { generationOf, RotationPlan } from "../rotation";
import { hashedJob, JobResources, scriptPodSpec } from "../kubernetes/hashed-job";
import { BOOTSTRAP_DIR, ExtraSql, SCRIPT_FILE, bootstrapFiles, passwordInputs } from "./bootstrap-job-script";
import { npgsqlConnectionString, NpgsqlParts, postgresUrl } from "./connection-string";
import type { Limitation, PostgresPlan } from "./plan";
import type { MigratorAccess, ServiceDatabaseAccess, ServiceSchemasEndpoint } from "./service-schemas";

export const POSTGRES_BOOTSTRAP_JOB_TYPE = "stellaops:postgres:BootstrapJob";

/** uid/gid of the `postgres` user in the official image (as the StatefulSet runs it). */
export const POSTGRES_UID = 999;

export interface PostgresBootstrapJobArgs {
    /** The plan computed once by the caller (stacks/plans.ts). */
    readonly plan: PostgresPlan;
    /** Namespace of the server; the Job, ConfigMap and Secret go there. */
    readonly namespace: pulumi.Input<string>;
    /** The PostgreSQL server image (mirror@sha256 on airgap): its psql and pg_isready run the bootstrap. */
    readonly image: string;
    /** The server's in-cluster address: where the Job connects, and what the services' DSNs name. */
    readonly server: ServiceSchemasEndpoint;
    /** The role the Job connects as (the server's superuser on airgap) and its password (secret). */
    readonly admin: { readonly user: string; readonly password: pulumi.Input<string> };
    /** Label the server's NetworkPolicy admits (`kubernetes.clientPodLabel`), put on the Job's pod. */
    readonly podLabel: { readonly key: string; readonly value: string };
    /**
     * Where the Job connects: the read-write server when services go through a pooler.
     * @default server.migratorEndpoint, else server's host and port
     */
    readonly adminEndpoint?: { readonly host: pulumi.Input<string>; readonly port: pulumi.Input<number> };
    /** More SQL from other components (the backup role), with the passwords of the logins it creates (secret), by psql variable. @default none */
    readonly extraSql?: readonly (ExtraSql & { readonly passwords: Readonly<Record<string, pulumi.Input<string>>> })[];
    /** Resources that must be ready before the Job is created (the server's StatefulSet). @default none */
    readonly ready?: pulumi.Input<pulumi.Resource>[];
    /** Physical names: ConfigMap and Secret `<namePrefix>`, Job `<namePrefix>-<hash>`. @default "postgres-bootstrap" */
    readonly namePrefix?: string;
    /** Seconds the script waits for the server to accept connections. @default 300 */
    readonly waitSeconds?: number;
    /** activeDeadlineSeconds of the Job (all attempts together). @default 900 */
    readonly deadlineSeconds?: number;
    /** Pod retries after a failed attempt. @default 2 */
    readonly backoffLimit?: number;
    /** @default 50m/64Mi requested, 500m/256Mi limit */
    readonly resources?: JobResources;
    /** Password generations of the plan's logins (components/rotation.ts): a new password is a new Job, which sets it (passwords.sql). @default no rotation */
    readonly rotation?: RotationPlan;
}

export class PostgresBootstrapJob extends pulumi.ComponentResource {
    /** Name of the database holding the schemas (resolves once the Job has completed). */
    public readonly database: pulumi.Output<string>;
    /** Per owning service: login role, schema, password, DSN and Npgsql connection string, as ServiceSchemas gives them. */
    public readonly services: Record<ServiceName, ServiceDatabaseAccess>;
    /** The release-migration login. */
    public readonly migrator: MigratorAccess;
    /** What the admin cannot do because it is not a superuser (empty for a superuser). */
    public readonly limitations: readonly Limitation[];
    /** Every role the Job manages (plan and extras), by name, resolving once the Job has completed (as ServiceSchemas.roleNames). */
    public readonly roleNames: Readonly<Record<string, pulumi.Output<string>>>;
    /** Physical name of the Job that ran (`<namePrefix>-<hash>`). */
    public readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: PostgresBootstrapJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super(POSTGRES_BOOTSTRAP_JOB_TYPE, name, {}, opts);
        const plan = args.plan;
        const prefix = args.namePrefix ?? "postgres-bootstrap";
        const deadline = args.deadlineSeconds ?? 900;
        const labels = { "app.kubernetes.io/name": prefix, "app.kubernetes.io/component": "bootstrap", "app.kubernetes.io/part-of": "stellaops-deps" };
        const meta = { name: prefix, namespace: args.namespace, labels };

        // The plan's logins get generated passwords, with ServiceSchemas' child names (`-password-<service|migrator>`).
        const extras = args.extraSql ?? [];
        const inputs = passwordInputs(plan, extras);
        const passwords = new Map<string, pulumi.Output<string>>();
        for (const p of inputs) {
            const given = extras.flatMap((x) => Object.entries(x.passwords)).find(([variable]) => variable === p.variable)?.[1];
            if (!p.planned && given === undefined) throw new Error(`extraSql: expected a password for psql variable ${p.variable}`);
            passwords.set(p.role, p.planned ? generatedPassword(`${name}-password-${p.planned.service ?? p.planned.kind}`, { parent: this }, 32, generationOf(args.rotation, p.planned.service)) : pulumi.secret(given!));
        }

        const files = bootstrapFiles(plan, { waitSeconds: args.waitSeconds, extras });
        const configMap = new k8s.core.v1.ConfigMap(`${name}-files`, { metadata: meta, data: files }, { parent: this });
        const secretData: Record<string, pulumi.Output<string>> = { PGPASSWORD: pulumi.secret(args.admin.password) };
        for (const p of inputs) secretData[p.env] = passwords.get(p.role)!;
        const secret = new k8s.core.v1.Secret(`${name}-passwords`, { metadata: meta, type: "Opaque", stringData: secretData }, { parent: this });

        const at = args.adminEndpoint ?? args.server.migratorEndpoint ?? args.server;
        const template = pulumi.all([at.host, at.port]).apply(([host, port]) => ({
            metadata: { labels: { ...labels, [args.podLabel.key]: args.podLabel.value } },
            // psql from the server image.
            spec: scriptPodSpec({
                container: "psql",
                image: args.image,
                uid: POSTGRES_UID,
                name: prefix,
                dir: BOOTSTRAP_DIR,
                script: SCRIPT_FILE,
                env: { PGHOST: host, PGPORT: String(port), PGUSER: args.admin.user, PGSSLMODE: args.server.sslMode, PGCONNECT_TIMEOUT: "10" },
                secretKeys: Object.keys(secretData),
                resources: args.resources,
            }),
        }));
        const job = hashedJob(
            `${name}-job`,
            { prefix, namespace: args.namespace, labels, template, files, secrets: Object.values(secretData), deadlineSeconds: deadline, backoffLimit: args.backoffLimit ?? 2 },
            { parent: this, dependsOn: [configMap, secret, ...(args.ready ?? [])] },
        );

        this.jobName = job.metadata.name;
        const access = serviceAccess(plan, args.server, passwords, this.jobName);
        this.database = this.jobName.apply(() => plan.database);
        this.services = access.services;
        this.migrator = access.migrator;
        this.limitations = plan.limitations;
        const roles = [...plan.roles.map((r) => r.name), ...inputs.filter((p) => !p.planned).map((p) => p.role)];
        this.roleNames = Object.fromEntries(roles.map((r) => [r, this.jobName.apply(() => r)]));
        this.registerOutputs({ database: this.database, services: this.services, migrator: this.migrator, limitations: this.limitations, roleNames: this.roleNames, jobName: this.jobName });
    }
}


/**
 * Per-service access from the plan, as ServiceSchemas builds it (same connection-string
 * helpers), each value resolving only after `after` (the Job's name: the Job has completed).
 */
function serviceAccess(plan: PostgresPlan, server: ServiceSchemasEndpoint, passwords: Map<string, pulumi.Output<string>>, after: pulumi.Output<string>) {
    const connect = (login: string, extra: Partial<NpgsqlParts> = {}, searchPath: readonly string[] = [], at: { host: pulumi.Input<string>; port: pulumi.Input<number> } = server) =>
        pulumi.all([after, at.host, at.port, passwords.get(login)!]).apply(([, host, port, password]) => {
            const parts = { host, port, database: plan.database, username: login, password, sslMode: server.sslMode, searchPath, ...extra };
            return { dsn: postgresUrl(parts), npgsql: npgsqlConnectionString(parts) };
        });
    const services: Record<ServiceName, ServiceDatabaseAccess> = {};
    const migratorStrings: Record<ServiceName, pulumi.Output<string>> = {};
    for (const s of plan.services) {
        const c = connect(s.role, {}, s.searchPath);
        services[s.service] = { role: s.role, schema: s.schema, password: passwords.get(s.role)!, dsn: pulumi.secret(c.dsn), connectionString: pulumi.secret(c.npgsql) };
        migratorStrings[s.service] = pulumi.secret(connect(plan.migrator.role, { options: `-c role=${s.role}` }, s.searchPath, server.migratorEndpoint).npgsql);
    }
    const m = connect(plan.migrator.role, {}, [], server.migratorEndpoint);
    const migrator: MigratorAccess = { role: plan.migrator.role, password: passwords.get(plan.migrator.role)!, dsn: pulumi.secret(m.dsn), connectionStrings: migratorStrings };
    return { services, migrator };
}
