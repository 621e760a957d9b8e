/**
 * Real-server helpers: versitygw (posix backend with versioning and object lock) in front of its
 * standalone IAM service, both on free loopback ports in a temp dir and stopped by the caller.
 * Users, access keys and identity policies are made with the AWS IAM API, as on AWS; buckets are
 * created from a rendered `buckets.json` through @aws-sdk/client-s3.
 */
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, PutBucketVersioningCommand, PutObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PolicyDocument } from "../../components/objectstore/access-policy";
import type { BucketsFile } from "../../components/objectstore/render";
import { freePort, Proc, startProcess, tempDir, waitFor } from "../support/servers";
import { Credentials, iamCall, xmlField } from "./iam-api";

/** Where `go install` puts versitygw (GOBIN, GOPATH/bin, ~/go/bin), besides PATH. */
export const VERSITYGW_CANDIDATES = [process.env.GOBIN, process.env.GOPATH && path.join(process.env.GOPATH, "bin"), path.join(os.homedir(), "go", "bin")]
    .filter((d): d is string => !!d)
    .map((d) => path.join(d, "versitygw"));

export interface Gateway {
    /** The S3 endpoint. */
    readonly url: string;
    /** The IAM API endpoint. */
    readonly iamUrl: string;
    readonly root: Credentials;
    client(creds?: Credentials): S3Client;
    /** CreateUser, CreateAccessKey, PutUserPolicy: what AwsServiceIdentities does on AWS. */
    createIdentity(user: string, policy: PolicyDocument): Promise<Credentials>;
    stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
    return (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true;
}

export async function startGateway(binary: string): Promise<Gateway> {
    const dir = tempDir("versitygw");
    for (const sub of ["data", "versions", "iam"]) fs.mkdirSync(path.join(dir, sub));
    const socket = path.join(dir, "iam.sock");
    const [port, iamPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    const iamUrl = `http://127.0.0.1:${iamPort}`;
    const root = { accessKeyId: "itroot", secretAccessKey: `root-${Math.random().toString(36).slice(2)}` };
    const env = { ROOT_ACCESS_KEY: root.accessKeyId, ROOT_SECRET_KEY: root.secretAccessKey };
    const procs: Proc[] = [];
    const stop = async () => {
        for (const p of procs.reverse()) await p.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        // The IAM service holds users, keys and policies; the gateway asks it over a unix socket.
        procs.push(startProcess(binary, ["--health", "/healthz", "--port", `127.0.0.1:${iamPort}`, "iam", "--dir", path.join(dir, "iam"), "--private-ports", socket, "--quiet"], { env }));
        await waitFor(`versitygw IAM service on ${iamUrl}`, () => healthy(iamUrl), 20000);
        const gwArgs = ["--health", "/healthz", "--port", `127.0.0.1:${port}`, "--iam-standalone-endpoint", socket, "--quiet", "posix", "--versioning-dir", path.join(dir, "versions"), path.join(dir, "data")];
        procs.push(startProcess(binary, gwArgs, { env }));
        await waitFor(`versitygw on ${url}`, () => healthy(url), 40000);
    } catch (err) {
        const output = procs.map((p) => p.output()).join("\n");
        await stop();
        throw new Error(`${String(err)}\n${output}`);
    }
    return {
        url,
        iamUrl,
        root,
        client: (creds = root) => new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: creds, maxAttempts: 1 }),
        async createIdentity(user, policy) {
            await iamCall(iamUrl, root, { Action: "CreateUser", UserName: user, Path: "/stellaops/" });
            const key = await iamCall(iamUrl, root, { Action: "CreateAccessKey", UserName: user });
            await iamCall(iamUrl, root, { Action: "PutUserPolicy", UserName: user, PolicyName: "objectstore", PolicyDocument: JSON.stringify(policy) });
            return { accessKeyId: xmlField(key, "AccessKeyId"), secretAccessKey: xmlField(key, "SecretAccessKey") };
        },
        stop,
    };
}

export type LifecycleOutcome = "applied" | "not-implemented";

/**
 * Creates every rendered bucket with its versioning, lock and lifecycle. Returns whether the
 * server took the lifecycle rules (versitygw answers 501 NotImplemented).
 */
export async function applyBucketsFile(s3: S3Client, file: BucketsFile): Promise<LifecycleOutcome> {
    let lifecycle: LifecycleOutcome = "applied";
    for (const b of file.buckets) {
        await s3.send(new CreateBucketCommand({ Bucket: b.name, ObjectLockEnabledForBucket: b.objectLock.enabled || undefined }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: b.name, VersioningConfiguration: { Status: b.versioning } }));
        if (b.objectLock.enabled) {
            const rule = { DefaultRetention: { Mode: b.objectLock.mode as "GOVERNANCE" | "COMPLIANCE", Days: b.objectLock.days } };
            await s3.send(new PutObjectLockConfigurationCommand({ Bucket: b.name, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: rule } }));
        }
        if (b.lifecycle.length === 0) continue;
        const Rules = b.lifecycle.map((r) => ({
            ID: r.id,
            Status: "Enabled" as const,
            Filter: { Prefix: r.prefix },
            Expiration: { Days: r.expirationDays },
            NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentDays },
        }));
        try {
            await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: b.name, LifecycleConfiguration: { Rules } }));
        } catch (err) {
            if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 501) throw err;
            lifecycle = "not-implemented";
        }
    }
    return lifecycle;
}

/** Resolves to the S3 error code (or "OK") so tests can assert refusals precisely. */
export async function outcome(p: Promise<unknown>): Promise<string> {
    try {
        await p;
        return "OK";
    } catch (err) {
        return (err as { name?: string }).name ?? String(err);
    }
}
