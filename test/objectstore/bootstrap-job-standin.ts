/**
 * A recording stand-in for the parts of a MinIO-compatible server that versitygw does not
 * implement (the MinIO admin API: users, canned policies, attachments; and bucket lifecycle),
 * so the bootstrap Job's whole script runs with a real `mc`: it answers what mc asks (without
 * checking signatures, or decrypting the admin API's encrypted bodies) the way MinIO does, and
 * records every request. Only for tests; on a free loopback port, stopped by the caller.
 */
import * as http from "http";
import type { AddressInfo } from "net";

export interface RecordedRequest {
    readonly method: string;
    readonly path: string;
    readonly query: Readonly<Record<string, string>>;
    readonly body: string;
    /** x-amz-bucket-object-lock-enabled of a bucket creation. */
    readonly lock?: string;
}

/** How the stand-in answers a policy attach (its body is encrypted with the root secret, so it cannot tell which one it is). */
export type AttachAnswer =
    /** Attached now: 204, as MinIO before mid-2023 answered (mc accepts it without a body). */
    | "attached"
    /** MinIO on a repeat: 400 XMinioAdminPolicyChangeAlreadyApplied (current mc treats it as success). */
    | "minio"
    /** MinIO's message under a code this mc does not know: what an older mc release reports as a failure. */
    | "message-only"
    /** Another refusal: the script must fail. */
    | "other-error";

export interface StandIn {
    readonly url: string;
    readonly requests: RecordedRequest[];
    /** What the next policy attaches get. */
    attach: AttachAnswer;
    stop(): Promise<void>;
}

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

function adminError(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ Code: code, Message: message, Resource: "/", RequestId: "standin", HostId: "standin" }));
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { "Content-Type": "application/xml" });
    res.end(`${XML}<Error><Code>${code}</Code><Message>${message}</Message><RequestId>standin</RequestId></Error>`);
}

export async function startStandIn(alreadyApplied: string): Promise<StandIn> {
    const requests: RecordedRequest[] = [];
    const buckets = new Set<string>();
    const locked = new Set<string>();
    const state = { attach: "attached" as AttachAnswer };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const u = new URL(req.url ?? "/", "http://standin");
            const query = Object.fromEntries(u.searchParams);
            const body = Buffer.concat(chunks).toString("utf8");
            const path = u.pathname.length > 1 ? u.pathname.replace(/\/$/, "") : u.pathname;
            const lock = req.headers["x-amz-bucket-object-lock-enabled"] as string | undefined;
            requests.push({ method: req.method ?? "", path, query, body, ...(lock !== undefined && { lock }) });
            const bucket = u.pathname.split("/")[1];
            if (u.pathname === "/minio/admin/v3/add-user" || u.pathname === "/minio/admin/v3/add-canned-policy") {
                res.writeHead(200).end();
            } else if (u.pathname === "/minio/admin/v3/idp/builtin/policy/attach") {
                if (state.attach === "attached") res.writeHead(204).end();
                else if (state.attach === "minio") adminError(res, 400, "XMinioAdminPolicyChangeAlreadyApplied", alreadyApplied);
                else if (state.attach === "message-only") adminError(res, 400, "XMinioAdminPolicyChangeNoop", alreadyApplied);
                else adminError(res, 400, "XMinioAdminNoSuchUser", "The specified user does not exist.");
            } else if (u.pathname.startsWith("/minio/")) {
                adminError(res, 501, "NotImplemented", `stand-in: ${req.method} ${u.pathname} is not part of the bootstrap`);
            } else if (u.pathname === "/" && req.method === "GET") {
                res.writeHead(200, { "Content-Type": "application/xml" });
                res.end(`${XML}<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>root</ID></Owner><Buckets>${[...buckets].map((b) => `<Bucket><Name>${b}</Name><CreationDate>2025-01-01T00:00:00.000Z</CreationDate></Bucket>`).join("")}</Buckets></ListAllMyBucketsResult>`);
            } else if ("location" in query) {
                res.writeHead(200, { "Content-Type": "application/xml" });
                res.end(`${XML}<LocationConstraint xmlns="${S3_NS}"></LocationConstraint>`);
            } else if (req.method === "PUT" && Object.keys(query).length === 0 && path === `/${bucket}`) {
                if (buckets.has(bucket)) s3Error(res, 409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.");
                else {
                    buckets.add(bucket);
                    if (lock === "true") locked.add(bucket);
                    res.writeHead(200).end();
                }
            } else if (req.method === "GET" && "object-lock" in query) {
                if (!locked.has(bucket)) s3Error(res, 404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket");
                else {
                    res.writeHead(200, { "Content-Type": "application/xml" });
                    res.end(`${XML}<ObjectLockConfiguration xmlns="${S3_NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`);
                }
            } else if (req.method === "PUT" && ("versioning" in query || "lifecycle" in query || "object-lock" in query)) {
                res.writeHead(200).end();
            } else {
                s3Error(res, 501, "NotImplemented", `stand-in: ${req.method} ${req.url}`);
            }
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        requests,
        get attach() {
            return state.attach;
        },
        set attach(v: AttachAnswer) {
            state.attach = v;
        },
        stop: () => new Promise<void>((r) => server.close(() => r())),
    };
}
