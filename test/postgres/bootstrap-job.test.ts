/**
 * PostgresBootstrapJob under mocks: ConfigMap (script, bootstrap.sql, passwords.sql: no secret),
 * secret Secret, a restricted Job from the mirrored image admitted by the client label, a Job
 * name that changes with the SQL or any password and with nothing else, and the same outputs
 * ServiceSchemas gives for the same plan.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { passwordInputs, renderBootstrapScript } from "../../components/postgres/bootstrap-job-script";
import { POSTGRES_BOOTSTRAP_JOB_TYPE, PostgresBootstrapJob, PostgresBootstrapJobArgs } from "../../components/postgres/bootstrap-job";
import { PostgresPlanOptions, planPostgres } from "../../components/postgres/plan";
import { passwordVariable, renderBootstrapSql } from "../../components/postgres/sql";
import { ServiceSchemas } from "../../components/postgres/service-schemas";
import { assertChildNamesPrefixed, byType, isSecret, RecordedResource, resetResources, resources, strings, value } from "../harness";
import { imagesIn } from "./bootstrap-job-support";
import { OPTIONS } from "./plan.test";

/* eslint-disable @typescript-eslint/no-explicit-any */
const T = { configMap: "kubernetes:core/v1:ConfigMap", secret: "kubernetes:core/v1:Secret", job: "kubernetes:batch/v1:Job", password: "random:index/randomPassword:RandomPassword" };
const IMAGE = `registry.airgap.internal:5000/library/postgres@sha256:${"c".repeat(64)}`;
const ADMIN_PASSWORD = "admin-secret-value";
const server = { host: pulumi.output("postgres.stellaops-deps.svc.cluster.local"), port: 5432, sslMode: "disable" };
const podLabel = { key: "app.kubernetes.io/part-of", value: "stellaops" };

function args(options: PostgresPlanOptions = OPTIONS, over: Partial<PostgresBootstrapJobArgs> = {}): PostgresBootstrapJobArgs {
    return { plan: planPostgres(options), namespace: "stellaops-deps", image: IMAGE, server, admin: { user: "postgres", password: pulumi.secret(ADMIN_PASSWORD) }, podLabel, ...over };
}

async function evaluate(name: string, a: PostgresBootstrapJobArgs): Promise<{ c: PostgresBootstrapJob; all: readonly RecordedResource[] }> {
    resetResources();
    const c = new PostgresBootstrapJob(name, a);
    await value(c.jobName);
    return { c, all: await resources() };
}

const jobName = (all: readonly RecordedResource[]) => ((byType(all, T.job)[0].inputs.metadata as any).name as string);
const files = (all: readonly RecordedResource[]) => byType(all, T.configMap)[0].inputs.data as Record<string, string>;

describe("PostgresBootstrapJob component (mocks)", () => {
    const plan = planPostgres(OPTIONS);
    let c: PostgresBootstrapJob;
    let all: readonly RecordedResource[];

    before(async () => {
        ({ c, all } = await evaluate("pg", args()));
    });

    it("registers a ConfigMap, a Secret, a Job and one generated password per login, all children named after it", () => {
        assert.strictEqual(byType(all, POSTGRES_BOOTSTRAP_JOB_TYPE).length, 1);
        assert.deepStrictEqual([T.configMap, T.secret, T.job].map((t) => byType(all, t).map((r) => r.name)), [["pg-files"], ["pg-passwords"], ["pg-job"]]);
        assert.deepStrictEqual(byType(all, T.password).map((r) => r.name).sort(), passwordInputs(plan).map((p) => `pg-password-${p.planned!.service ?? p.planned!.kind}`).sort());
        assertChildNamesPrefixed(all);
        for (const r of all.filter((x) => x.type !== POSTGRES_BOOTSTRAP_JOB_TYPE)) assert.strictEqual(r.parent, "pg", r.name);
    });

    it("mounts the script, the rendered bootstrap.sql and passwords.sql; the script passes every password as a psql variable", () => {
        const data = files(all);
        assert.deepStrictEqual(Object.keys(data).sort(), ["bootstrap.sh", "bootstrap.sql", "passwords.sql"]);
        assert.strictEqual(data["bootstrap.sql"], renderBootstrapSql(plan));
        for (const r of plan.roles.filter((x) => x.login)) {
            assert.ok(data["bootstrap.sh"].includes(`-v ${passwordVariable(r)}="$${passwordVariable(r).toUpperCase()}"`), r.name);
            assert.ok(data["passwords.sql"].includes(`format('ALTER ROLE %I PASSWORD %L', '${r.name}', :'${passwordVariable(r)}')`), r.name);
        }
        assert.match(data["bootstrap.sh"], /-v ON_ERROR_STOP=1/);
        assert.match(data["bootstrap.sh"], /until pg_isready -q/);
    });

    it("puts no secret in the ConfigMap and every password, and only passwords, in the secret Secret", async () => {
        const cm = byType(all, T.configMap)[0];
        const secretValues = [ADMIN_PASSWORD, ...(await Promise.all(passwordInputs(plan).map((p) => value<string>(c.services[p.planned!.service!]?.password ?? c.migrator.password))))];
        assert.deepStrictEqual(cm.secretPaths, []);
        for (const v of secretValues) assert.ok(!strings(cm.rawInputs).some((s) => s.includes(v)), "a password leaked into the ConfigMap");
        const secret = byType(all, T.secret)[0];
        const keys = ["PGPASSWORD", ...passwordInputs(plan).map((p) => p.env)].sort();
        assert.deepStrictEqual(Object.keys(secret.rawInputs.stringData as object).sort(), keys);
        for (const k of keys) assert.ok(secret.secretPaths.some((p) => `stringData.${k}` === p || p === "stringData"), `${k} must be sent as a secret: ${secret.secretPaths}`);
        assert.deepStrictEqual((secret.rawInputs.stringData as any).PGPASSWORD, ADMIN_PASSWORD);
    });

    it("runs one restricted, non-root, read-only container from the given (mirrored) image only, with every secret from the Secret", () => {
        const job = byType(all, T.job)[0];
        assert.deepStrictEqual(imagesIn(job.inputs), [IMAGE]);
        assert.ok(!strings(all.map((r) => r.inputs)).some((s) => /docker\.io|ghcr\.io|quay\.io|registry\.k8s\.io|https?:\/\//.test(s)), "no public registry or URL anywhere");
        const pod = (job.inputs.spec as any).template.spec;
        assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepStrictEqual([pod.restartPolicy, pod.automountServiceAccountToken, pod.enableServiceLinks], ["Never", false, false]);
        const [ctr] = pod.containers;
        assert.deepStrictEqual(ctr.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        assert.deepStrictEqual(ctr.command, ["sh", "/bootstrap/bootstrap.sh"]);
        assert.ok(ctr.resources.requests.cpu && ctr.resources.limits.memory);
        assert.deepStrictEqual(ctr.volumeMounts, [{ name: "files", mountPath: "/bootstrap", readOnly: true }, { name: "tmp", mountPath: "/tmp" }]);
        assert.ok(pod.volumes.some((v: any) => v.name === "tmp" && v.emptyDir), "/tmp is an emptyDir");
        const plain = Object.fromEntries(ctr.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
        assert.deepStrictEqual(plain, { PGHOST: "postgres.stellaops-deps.svc.cluster.local", PGPORT: "5432", PGUSER: "postgres", PGSSLMODE: "disable", PGCONNECT_TIMEOUT: "10", HOME: "/tmp", BOOTSTRAP_DIR: "/bootstrap" });
        const fromSecret = ctr.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]);
        assert.deepStrictEqual(fromSecret.sort(), Object.keys(byType(all, T.secret)[0].rawInputs.stringData as object).sort().map((k) => [k, "postgres-bootstrap", k]));
    });

    it("is awaited as a Job: bounded retries and deadline, no TTL, replaced when unready, after its files and the server; the pod carries the client label", () => {
        const job = byType(all, T.job)[0];
        const spec = job.inputs.spec as any;
        assert.deepStrictEqual([spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished], [2, 900, undefined]);
        assert.deepStrictEqual((job.inputs.metadata as any).annotations, { "pulumi.com/replaceUnready": "true" });
        assert.ok(!JSON.stringify(job.inputs).includes("skipAwait"), "Pulumi must wait for completion");
        assert.strictEqual(spec.template.metadata.labels[podLabel.key], podLabel.value);
        assert.deepStrictEqual([...job.dependsOn].sort(), ["pg-files", "pg-passwords"]);
        assert.match(jobName(all), /^postgres-bootstrap-[0-9a-f]{10}$/);
    });

    it("waits for the resources passed as ready", async () => {
        resetResources();
        const marker = new (class extends pulumi.CustomResource {
            constructor() {
                super("test:index:Marker", "statefulset-marker", {});
            }
        })();
        const { all: withReady } = await evaluate("pg", args(OPTIONS, { ready: [marker] }));
        assert.ok(byType(withReady, T.job)[0].dependsOn.includes("statefulset-marker"));
    });

    it("gives the same per-service access and migrator as ServiceSchemas for the same plan, all secret", async () => {
        resetResources();
        const direct = new ServiceSchemas("pg", { plan, ...server });
        assert.deepStrictEqual(Object.keys(c.services).sort(), Object.keys(direct.services).sort());
        for (const [svc, a] of Object.entries(c.services)) {
            const d = direct.services[svc]!;
            for (const k of ["password", "dsn", "connectionString"] as const) {
                assert.ok(await isSecret(a[k]), `${svc} ${k} secret`);
                assert.strictEqual(await value(a[k]), await value(d[k]), `${svc} ${k}`);
            }
            assert.deepStrictEqual([a.role, a.schema], [d.role, d.schema]);
        }
        assert.strictEqual(await value(c.migrator.dsn), await value(direct.migrator.dsn));
        assert.ok(await isSecret(c.migrator.connectionStrings.scanner));
        assert.strictEqual(await value(c.migrator.connectionStrings.scanner), await value(direct.migrator.connectionStrings.scanner));
        assert.strictEqual(await value(c.database), "stellaops");
    });

    it("keeps the Job name, and every input, when nothing changes", async () => {
        const again = await evaluate("pg", args());
        assert.deepStrictEqual(again.all.map((r) => [r.name, r.rawInputs]), all.map((r) => [r.name, r.rawInputs]));
    });

    it("renames the Job when the SQL changes, when the admin password changes and when a generated password changes", async () => {
        const base = jobName(all);
        const sql = await evaluate("pg", args({ ...OPTIONS, statementTimeoutMs: 45000 }));
        assert.notStrictEqual(files(sql.all)["bootstrap.sql"], files(all)["bootstrap.sql"]);
        const admin = await evaluate("pg", args(OPTIONS, { admin: { user: "postgres", password: pulumi.secret("rotated") } }));
        assert.deepStrictEqual(files(admin.all), files(all), "same files");
        // Another component name: other generated passwords (mocks derive them from the name), same files.
        const pw = await evaluate("pg2", args());
        assert.deepStrictEqual(files(pw.all), files(all), "same files");
        const names = [base, jobName(sql.all), jobName(admin.all), jobName(pw.all)];
        assert.strictEqual(new Set(names).size, 4, names.join(" "));
        for (const n of names) assert.match(n, /^postgres-bootstrap-[0-9a-f]{10}$/);
    });

    it("renders a script that refuses a missing password variable and a too short wait", () => {
        const script = renderBootstrapScript(plan);
        for (const p of passwordInputs(plan)) assert.ok(script.includes(`: "\${${p.env}:?${p.env} is not set}"`), p.env);
        assert.throws(() => renderBootstrapScript(plan, { waitSeconds: 1 }), /waitSeconds: expected an integer >= 2/);
        assert.doesNotMatch(renderBootstrapScript(planPostgres({ ...OPTIONS, adminSuperuser: false })), /PGOPTIONS/, "a managed admin cannot set log_statement");
        assert.match(script, /log_statement=none/);
    });

    it("applies extra SQL (the backup role) after bootstrap.sql with its login's password from the Secret, and refuses clashes", async () => {
        const extra = { file: "backup-role.sql", sql: "-- backup role\n", database: "stellaops", logins: [{ role: "stellaops_backup", variable: "backup_password" }] };
        const { c: x, all: withExtra } = await evaluate("pg", args(OPTIONS, { extraSql: [{ ...extra, passwords: { backup_password: pulumi.secret("backup-secret-value") } }] }));
        const data = files(withExtra);
        assert.deepStrictEqual(Object.keys(data).sort(), ["backup-role.sql", "bootstrap.sh", "bootstrap.sql", "passwords.sql"]);
        const lines = data["bootstrap.sh"].split("\n").filter((l) => l.startsWith("psql "));
        assert.deepStrictEqual(lines.map((l) => l.replace(/.* -d (\S+) -f "\$dir\/(\S+)"$/, "$1 $2")), ["postgres bootstrap.sql", "stellaops backup-role.sql", "postgres passwords.sql"]);
        assert.ok(lines.every((l) => l.includes('-v backup_password="$BACKUP_PASSWORD"')));
        assert.match(data["passwords.sql"], /'stellaops_backup', :'backup_password'/);
        const secret = byType(withExtra, T.secret)[0];
        assert.strictEqual((secret.rawInputs.stringData as any).BACKUP_PASSWORD, "backup-secret-value");
        assert.ok(!strings(byType(withExtra, T.configMap)[0].rawInputs).some((v) => v.includes("backup-secret-value")));
        assert.strictEqual(await value(x.roleNames.stellaops_backup), "stellaops_backup");
        assert.notStrictEqual(jobName(withExtra), jobName(all));
        resetResources();
        assert.throws(() => new PostgresBootstrapJob("pg", args(OPTIONS, { extraSql: [{ ...extra, passwords: {} }] })), /extraSql: expected a password for psql variable backup_password/);
        assert.throws(() => new PostgresBootstrapJob("pg", args(OPTIONS, { extraSql: [{ ...extra, passwords: {}, logins: [{ role: "x", variable: "scanner_password" }] }] })), /expected each login and variable once/);
        assert.throws(() => new PostgresBootstrapJob("pg", args(OPTIONS, { extraSql: [{ ...extra, file: "bootstrap.sql", passwords: { backup_password: "p" } }] })), /extraSql\[0\]\.file: expected a unique \*\.sql name/);
        assert.throws(() => new PostgresBootstrapJob("pg", args(OPTIONS, { extraSql: [{ ...extra, logins: [{ role: "x", variable: "pgpassword" }], passwords: { pgpassword: "p" } }] })), /reserved variable/);
    });

    it("behind a pooler: connects the Job and the migrator to the read-write server, the services to the pooler", async () => {
        const pooled = { host: pulumi.output("postgres-pooler.stellaops-deps.svc"), port: 5432, sslMode: "require", migratorEndpoint: { host: "postgres-rw.stellaops-deps.svc", port: 5432 } };
        const { c: x, all: behind } = await evaluate("pg", args(OPTIONS, { server: pooled }));
        const env = (byType(behind, T.job)[0].inputs.spec as any).template.spec.containers[0].env;
        assert.deepStrictEqual(env.filter((e: any) => ["PGHOST", "PGSSLMODE"].includes(e.name)).map((e: any) => e.value), ["postgres-rw.stellaops-deps.svc", "require"]);
        assert.match(await value<string>(x.services.scanner.connectionString), /^Host=postgres-pooler\.stellaops-deps\.svc;/);
        assert.match(await value<string>(x.migrator.connectionStrings.scanner), /^Host=postgres-rw\.stellaops-deps\.svc;/);
        assert.match(await value<string>(x.migrator.dsn), /@postgres-rw\.stellaops-deps\.svc:5432\//);
    });
});
