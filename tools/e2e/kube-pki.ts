/**
 * Certificates and keys for the local control plane (tools/e2e/cluster.ts), made with the
 * openssl CLI: Node's crypto makes keys but cannot issue X.509 certificates. ECDSA P-256 keys
 * keep generation in milliseconds. Everything lives in the cluster's temp dir and dies with it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Pki {
    readonly dir: string;
    readonly caCert: string;
    /** The API server's serving pair (SANs: 127.0.0.1, localhost, kubernetes.default.svc…). */
    readonly serverCert: string;
    readonly serverKey: string;
    /** Service-account token signing pair (API server signs and verifies, controller-manager signs). */
    readonly saKey: string;
    readonly saPub: string;
    /** Client pairs by name (admin, kube-controller-manager, kube-scheduler, kwok). */
    readonly clients: Readonly<Record<string, { readonly cert: string; readonly key: string }>>;
}

function openssl(dir: string, args: readonly string[]): void {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.error) throw new Error(`openssl is needed for the local cluster's certificates: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Issues a certificate signed by the CA in `dir` (ca.crt/ca.key). */
function issue(dir: string, name: string, subject: string, ext: string): void {
    openssl(dir, ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "7", "-out", `${name}.crt`, "-extfile", `${name}.ext`]);
}

/**
 * Client identities: the admin is in system:masters, which RBAC never denies ("the test admin
 * can do everything"). The components use their well-known users, which the API server's
 * bootstrap RBAC policy grants exactly what they need; kwok gets system:masters (it has no
 * bootstrap role and updates node and pod status cluster-wide).
 */
const CLIENTS: Record<string, string> = {
    admin: "/O=system:masters/CN=stellaops-e2e-admin",
    "kube-controller-manager": "/CN=system:kube-controller-manager",
    "kube-scheduler": "/CN=system:kube-scheduler",
    kwok: "/O=system:masters/CN=kwok",
};

export function makePki(dir: string, serviceIp: string): Pki {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    openssl(dir, ["req", "-x509", ...EC, "-keyout", "ca.key", "-out", "ca.crt", "-days", "7", "-subj", "/CN=stellaops-e2e-ca"]);
    const sans = ["IP:127.0.0.1", `IP:${serviceIp}`, "DNS:localhost", "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local"];
    issue(dir, "apiserver", "/CN=kube-apiserver", `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(",")}\n`);
    for (const [name, subject] of Object.entries(CLIENTS)) issue(dir, name, subject, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
    openssl(dir, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "sa.key"]);
    openssl(dir, ["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
    const p = (f: string) => path.join(dir, f);
    return {
        dir,
        caCert: p("ca.crt"),
        serverCert: p("apiserver.crt"),
        serverKey: p("apiserver.key"),
        saKey: p("sa.key"),
        saPub: p("sa.pub"),
        clients: Object.fromEntries(Object.keys(CLIENTS).map((n) => [n, { cert: p(`${n}.crt`), key: p(`${n}.key`) }])),
    };
}

/** A kubeconfig with the credentials embedded, so it works from any directory. */
export function kubeconfig(pki: Pki, server: string, client: string, cluster = "stellaops-e2e"): string {
    const b64 = (f: string) => fs.readFileSync(f).toString("base64");
    const c = pki.clients[client];
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${cluster}`,
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority-data: ${b64(pki.caCert)}`,
        "users:",
        `- name: ${client}`,
        "  user:",
        `    client-certificate-data: ${b64(c.cert)}`,
        `    client-key-data: ${b64(c.key)}`,
        "contexts:",
        `- name: ${cluster}`,
        "  context:",
        `    cluster: ${cluster}`,
        `    user: ${client}`,
        `current-context: ${cluster}`,
        "",
    ].join("\n");
}
