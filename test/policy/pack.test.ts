/**
 * The policy pack as the Pulumi engine runs it: `@pulumi/pulumi/cmd/run-policy-pack` loads
 * policy/ (ts-node with type checking, as `pulumi preview --policy-pack policy` does) and serves
 * the Analyzer gRPC API; the test is the engine. This proves the pack compiles, registers every
 * rule as mandatory, reads its config, and reports violations for resources and for the stack.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { RESOURCE_RULES, STACK_RULES } from "../../policy/rules";
import { ROOT } from "../../tools/offline/stack-file";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const grpc = require("@grpc/grpc-js");
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

interface Diagnostic {
    readonly policy: string;
    readonly message: string;
    readonly urn: string;
}

function resource(kind: "AnalyzeRequest" | "AnalyzerResource", type: string, name: string, props: object, protect = false): any {
    const r = new pb[kind]();
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(protect);
    r.setType(type);
    r.setName(name);
    r.setUrn(`urn:pulumi:test::stellaops-deps::${type}::${name}`);
    r.setProperties(Struct.fromJavaScript(props));
    r.setOptions(opts);
    return r;
}

describe("policy pack served to the engine (run-policy-pack, Analyzer gRPC)", function () {
    this.timeout(120000);
    let pack: ChildProcess;
    let client: any;

    const call = <T>(method: string, req: unknown): Promise<T> => new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
    const diagnostics = (res: any): Diagnostic[] => res.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), message: d.getMessage(), urn: d.getUrn() }));

    before(async () => {
        // The engine address is only used for logging; nothing listens there.
        pack = spawn(process.execPath, [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: path.join(ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        pack.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            pack.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
            pack.once("exit", (code) => reject(new Error(`policy pack exited (${code}) before serving: ${stderr}`)));
        });
        assert.match(port, /^\d+$/, `expected the pack to print its port, got ${port}`);
        const Client = grpc.makeGenericClientConstructor(rpc.AnalyzerService);
        client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    it("registers every rule, mandatory", async () => {
        const info: any = await call("getAnalyzerInfo", new Empty());
        assert.strictEqual(info.getName(), "stellaops-deps");
        const policies = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
        const mandatory = pb.EnforcementLevel.MANDATORY;
        assert.deepStrictEqual(policies.sort(), [...RESOURCE_RULES, ...STACK_RULES].map((r) => [r.name, mandatory]).sort());
    });

    it("reports an unprotected volume and passes a protected one", async () => {
        const bad = diagnostics(await call("analyze", resource("AnalyzeRequest", "docker:index/volume:Volume", "data", { name: "data" })));
        assert.deepStrictEqual(bad.map((d) => d.policy), ["stateful-resources-protected"]);
        assert.deepStrictEqual(diagnostics(await call("analyze", resource("AnalyzeRequest", "docker:index/volume:Volume", "data", { name: "data" }, true))), []);
    });

    it("applies the mirror from policy config to Kubernetes images", async () => {
        const cfg = new pb.ConfigureAnalyzerRequest();
        const mirror = new pb.PolicyConfig();
        mirror.setEnforcementlevel(pb.EnforcementLevel.MANDATORY);
        mirror.setProperties(Struct.fromJavaScript({ mirrorRegistry: "registry.stellaops.internal:5000" }));
        cfg.getPolicyconfigMap().set("airgap-images-from-mirror", mirror);
        await call("configure", cfg);
        const container = { name: "pg", image: `registry.elsewhere.internal/library/postgres@sha256:${"b".repeat(64)}`, resources: { limits: { cpu: "1", memory: "1Gi" } } };
        const sts = { spec: { template: { spec: { securityContext: { runAsNonRoot: true, runAsUser: 999 }, containers: [container] } } } };
        const found = diagnostics(await call("analyze", resource("AnalyzeRequest", "kubernetes:apps/v1:StatefulSet", "pg", sts, true)));
        assert.deepStrictEqual(found.map((d) => d.policy), ["airgap-images-from-mirror"]);
        assert.match(found[0].message, /expected the mirror registry\.stellaops\.internal:5000/);
    });

    it("reports a bucket without Block Public Access against that bucket", async () => {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList([resource("AnalyzerResource", "aws:s3/bucket:Bucket", "evidence", { bucket: "stellaops-evidence" }, true)]);
        const found = diagnostics(await call("analyzeStack", req));
        assert.deepStrictEqual(found.map((d) => [d.policy, d.urn]), [["s3-public-access-block", "urn:pulumi:test::stellaops-deps::aws:s3/bucket:Bucket::evidence"]]);
    });
});
