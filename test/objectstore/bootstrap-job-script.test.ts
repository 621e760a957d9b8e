/**
 * The object storage bootstrap script as a pure function of the plan, table by table: the mc
 * commands per bucket (lock only where planned, retention, lifecycle), the users section, the
 * files beside the script, idempotent command forms only, no secret, and errors naming the field.
 */
import * as assert from "assert";
import { servicePolicy } from "../../components/objectstore/access-policy";
import { ALREADY_ATTACHED, lifecycleDocument, objectStoreFiles, renderObjectStoreScript, secretKeyEnv } from "../../components/objectstore/bootstrap-job-script";
import { ObjectStoreOptions, planObjectStore } from "../../components/objectstore/plan";
import { CATALOG, Catalog } from "../../components/catalog";
import { extendCatalog } from "../../components/catalog-extend";
import { catalogWithEvidenceLocker, OPTIONS } from "./support";

/** The script's command lines (mc, the secret-key pipes, attach calls), in order. */
const commands = (script: string) => script.split("\n").filter((l) => /^(mc |printf '%s\\n' "\$SECRET_KEY_|attach ')/.test(l));

const perPurpose: ObjectStoreOptions = { ...OPTIONS.perPurpose, bucketPrefix: "stellaops", retention: { mode: "GOVERNANCE", days: 365 }, replayExpirationDays: 400 };

const BUCKET_CASES: { title: string; options: ObjectStoreOptions; catalog?: Catalog; users?: boolean; expected: string[] }[] = [
    {
        title: "per purpose, evidence locked (GOVERNANCE), replay expiring",
        options: perPurpose,
        users: false,
        expected: [
            "mc mb --ignore-existing 'target/stellaops-scanner-artifacts'",
            "mc version enable 'target/stellaops-scanner-artifacts'",
            "mc mb --ignore-existing 'target/stellaops-surface-manifests'",
            "mc version enable 'target/stellaops-surface-manifests'",
            "mc mb --ignore-existing 'target/stellaops-surface-cache'",
            "mc version enable 'target/stellaops-surface-cache'",
            "mc mb --ignore-existing --with-lock 'target/stellaops-evidence-locker'",
            "mc version enable 'target/stellaops-evidence-locker'",
            "mc retention set --default GOVERNANCE 365d 'target/stellaops-evidence-locker'",
            "mc mb --ignore-existing 'target/stellaops-replay-outputs'",
            "mc version enable 'target/stellaops-replay-outputs'",
            `mc ilm rule import 'target/stellaops-replay-outputs' <"$dir/lifecycle-stellaops-replay-outputs.json"`,
        ],
    },
    {
        title: "per purpose, object lock off: no --with-lock, no retention",
        options: { ...perPurpose, objectLock: false },
        users: false,
        expected: ["scanner-artifacts", "surface-manifests", "surface-cache", "evidence-locker", "replay-outputs"]
            .flatMap((b) => [`mc mb --ignore-existing 'target/stellaops-${b}'`, `mc version enable 'target/stellaops-${b}'`])
            .concat([`mc ilm rule import 'target/stellaops-replay-outputs' <"$dir/lifecycle-stellaops-replay-outputs.json"`]),
    },
    {
        title: "one shared bucket (COMPLIANCE 30 days): locked, and its replay prefix expiring",
        options: { ...OPTIONS.shared, retention: { mode: "COMPLIANCE", days: 30 }, replayExpirationDays: 30 },
        users: false,
        expected: [
            "mc mb --ignore-existing --with-lock 'target/stellaops'",
            "mc version enable 'target/stellaops'",
            "mc retention set --default COMPLIANCE 30d 'target/stellaops'",
            `mc ilm rule import 'target/stellaops' <"$dir/lifecycle-stellaops.json"`,
        ],
    },
    {
        title: "users: one user, policy and attachment per bucket-using service, the secret on stdin",
        options: perPurpose,
        catalog: catalogWithEvidenceLocker(),
        expected: ["scanner", "excititor", "policy", "orchestrator", "evidencelocker"].flatMap((s) => [
            `printf '%s\\n' "$${secretKeyEnv(s)}" | mc admin user add target '${s}'`,
            `mc admin policy create target 'stellaops-${s}' "$dir/policy-${s}.json"`,
            `attach 'stellaops-${s}' '${s}'`,
        ]),
    },
];

describe("object storage bootstrap script (pure)", () => {
    for (const c of BUCKET_CASES) {
        it(c.title, () => {
            const plan = planObjectStore(c.options, c.catalog ?? CATALOG);
            const all = commands(renderObjectStoreScript(plan, { policyPrefix: "stellaops", users: c.users }));
            const lines = c.users === false ? all : all.filter((l) => !l.startsWith("mc mb") && !l.startsWith("mc version") && !l.startsWith("mc retention") && !l.startsWith("mc ilm"));
            assert.deepStrictEqual(lines, c.expected);
        });
    }

    it("puts each service's policy (servicePolicy) and each expiring bucket's rules beside the script, and nothing else", () => {
        const plan = planObjectStore(perPurpose, catalogWithEvidenceLocker());
        const files = objectStoreFiles(plan, { policyPrefix: "stellaops" });
        assert.deepStrictEqual(Object.keys(files).sort(), ["bootstrap.sh", "lifecycle-stellaops-replay-outputs.json", ...plan.services.map((s) => `policy-${s.service}.json`)].sort());
        for (const s of plan.services) assert.deepStrictEqual(JSON.parse(files[`policy-${s.service}.json`]), servicePolicy(s));
        assert.deepStrictEqual(JSON.parse(files["lifecycle-stellaops-replay-outputs.json"]), {
            Rules: [{ ID: "replay-expiry", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 400 }, NoncurrentVersionExpiration: { NoncurrentDays: 400 } }],
        });
        const shared = planObjectStore({ ...OPTIONS.shared, replayExpirationDays: 400 });
        assert.deepStrictEqual(lifecycleDocument(shared.buckets[0]).Rules.map((r) => r.Filter.Prefix), ["replay-outputs/"]);
        assert.deepStrictEqual(Object.keys(objectStoreFiles(plan, { policyPrefix: "stellaops", users: false })), ["bootstrap.sh", "lifecycle-stellaops-replay-outputs.json"]);
    });

    it("uses only idempotent command forms, and tolerates exactly MinIO's already-attached answer", () => {
        const script = renderObjectStoreScript(planObjectStore(perPurpose, catalogWithEvidenceLocker()), { policyPrefix: "stellaops" });
        for (const l of commands(script).filter((x) => x.startsWith("mc mb"))) assert.match(l, /--ignore-existing/);
        assert.doesNotMatch(script, /\|\| true|ilm rule add|ilm add|mc alias set|set -x/);
        assert.match(script, /^set -eu$/m);
        const tolerated = script.split("\n").filter((l) => /^\s+\*.*\) /.test(l));
        assert.deepStrictEqual(tolerated, [`    *'${ALREADY_ATTACHED}'*) echo "policy $1 was already attached to $2" ;;`, `    *) printf '%s\\n' "$out" >&2; return 1 ;;`]);
    });

    it("holds no secret: credentials come from the environment, required up front, the root ones only through MC_HOST_target", () => {
        const plan = planObjectStore(perPurpose, catalogWithEvidenceLocker());
        const script = renderObjectStoreScript(plan, { policyPrefix: "stellaops" });
        for (const v of ["S3_ENDPOINT", "ROOT_ACCESS_KEY", "ROOT_SECRET_KEY", "MC_CONFIG_DIR", ...plan.services.map((s) => secretKeyEnv(s.service))]) assert.ok(script.includes(`: "\${${v}:?${v} is not set}"`), v);
        assert.deepStrictEqual(script.split("\n").filter((l) => l.includes("$ROOT_SECRET_KEY")), ['export MC_HOST_target="${endpoint%%://*}://$ROOT_ACCESS_KEY:$ROOT_SECRET_KEY@${endpoint#*://}"']);
        for (const s of plan.services) assert.strictEqual(script.split(`$${secretKeyEnv(s.service)}"`).length - 1, 1, `${s.service}: its key is read once, into mc's stdin`);
    });

    it("waits for the endpoint for waitSeconds and refuses bad options naming the field", () => {
        const plan = planObjectStore(perPurpose);
        assert.match(renderObjectStoreScript(plan, { policyPrefix: "stellaops", waitSeconds: 60 }), /if \[ "\$waited" -ge 60 \]; then printf 'S3 endpoint %s did not answer within 60s/);
        assert.throws(() => renderObjectStoreScript(plan, { policyPrefix: "stellaops", waitSeconds: 1 }), /^Error: waitSeconds: expected an integer >= 2, got 1$/);
        assert.throws(() => renderObjectStoreScript(plan, { policyPrefix: "Stella Ops" }), /^Error: policyPrefix: expected lowercase letters, digits and hyphens/);
        const longName = extendCatalog({ services: { averyveryverylongservicename: { buckets: [{ purpose: "replay", access: "readonly" }], valkey: [], queues: [], routed: false } } });
        const long = planObjectStore(perPurpose, longName);
        assert.throws(() => renderObjectStoreScript(long, { policyPrefix: "stellaops" }), /^Error: catalog averyveryverylongservicename\.name: expected 3 to 20 lowercase letters, digits and hyphens to serve as an access key/);
        assert.doesNotThrow(() => renderObjectStoreScript(long, { policyPrefix: "stellaops", users: false }), "no users: no access keys");
    });

    it("makes extra buckets and extra users (the backup bucket, writer and reader) the same way, and refuses clashes", () => {
        const plan = planObjectStore(perPurpose);
        const backupBucket = { ...plan.buckets.find((b) => b.objectLock)!, key: "backup", name: "stellaops-backups", purposes: [{ purpose: "backup", prefix: "postgres/" }], grants: [], owners: [] };
        const writer = { user: "stellaops-backup-w", policy: { Version: "2012-10-17" as const, Statement: [{ Sid: "BackupPut", Effect: "Allow" as const, Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::stellaops-backups/postgres/*"] }] } };
        const opts = { policyPrefix: "stellaops", extraBuckets: [backupBucket], extraIdentities: [writer] };
        const lines = commands(renderObjectStoreScript(plan, opts));
        assert.deepStrictEqual(lines.filter((l) => l.includes("stellaops-backup")), [
            "mc mb --ignore-existing --with-lock 'target/stellaops-backups'",
            "mc version enable 'target/stellaops-backups'",
            "mc retention set --default GOVERNANCE 365d 'target/stellaops-backups'",
            `printf '%s\\n' "$SECRET_KEY_STELLAOPS_BACKUP_W" | mc admin user add target 'stellaops-backup-w'`,
            `mc admin policy create target 'stellaops-backup-w' "$dir/policy-stellaops-backup-w.json"`,
            "attach 'stellaops-backup-w' 'stellaops-backup-w'",
        ]);
        assert.deepStrictEqual(JSON.parse(objectStoreFiles(plan, opts)["policy-stellaops-backup-w.json"]), writer.policy);
        assert.throws(() => renderObjectStoreScript(plan, { ...opts, extraBuckets: [plan.buckets[0]] }), /^Error: extraBuckets: expected bucket names used once, "stellaops-scanner-artifacts" repeats one$/);
        assert.throws(() => renderObjectStoreScript(plan, { ...opts, extraIdentities: [{ ...writer, user: "scanner" }] }), /^Error: extraIdentities\[0\]\.user: expected a user and policy name used once/);
        assert.throws(() => renderObjectStoreScript(plan, { ...opts, extraIdentities: [{ ...writer, user: "stellaops-backup-writer" }] }), /^Error: extraIdentities\[0\]\.user: expected 3 to 20 lowercase letters/);
        assert.throws(() => renderObjectStoreScript(plan, { ...opts, users: false }), /^Error: extraIdentities: expected none without users/);
    });
});
