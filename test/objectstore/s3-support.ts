/**
 * Real-server helpers: start versitygw (posix backend with versioning, object lock and its
 * internal IAM) on a free loopback port, create users through its admin CLI, and apply a
 * rendered `buckets.json` through @aws-sdk/client-s3.
 */
import {
    CreateBucketCommand,
    PutBucketLifecycleConfigurationCommand,
    PutBucketPolicyCommand,
    PutBucketVersioningCommand,
    PutObjectLockConfigurationCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PolicyDocument } from "../../components/objectstore/policy";
import type { BucketsFile } from "../../components/objectstore/render";
import { freePort, portOpen, Proc, startProcess, tempDir, waitFor } from "../support/servers";

/** Where `go install` puts versitygw (GOBIN, GOPATH/bin, ~/go/bin), besides PATH. */
export const VERSITYGW_CANDIDATES = [process.env.GOBIN, process.env.GOPATH && path.join(process.env.GOPATH, "bin"), path.join(os.homedir(), "go", "bin")]
    .filter((d): d is string => !!d)
    .map((d) => path.join(d, "versitygw"));

export interface Gateway {
    readonly url: string;
    readonly root: { readonly accessKeyId: string; readonly secretAccessKey: string };
    client(creds?: { accessKeyId: string; secretAccessKey: string }): S3Client;
    /** Creates a user with the plain `user` role: it reaches only what bucket policies grant. */
    createUser(accessKeyId: string, secretAccessKey: string): void;
    stop(): Promise<void>;
}

export async function startGateway(binary: string): Promise<Gateway> {
    const dir = tempDir("versitygw");
    for (const sub of ["data", "versions", "iam"]) fs.mkdirSync(path.join(dir, sub));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const root = { accessKeyId: "itroot", secretAccessKey: `root-${Math.random().toString(36).slice(2)}` };
    const proc: Proc = startProcess(
        binary,
        ["--port", `127.0.0.1:${port}`, "--iam-dir", path.join(dir, "iam"), "--quiet", "posix", "--versioning-dir", path.join(dir, "versions"), path.join(dir, "data")],
        { env: { ROOT_ACCESS_KEY: root.accessKeyId, ROOT_SECRET_KEY: root.secretAccessKey } },
    );
    const stop = async () => {
        await proc.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitFor(`versitygw on ${url}`, () => portOpen(port), 20000);
    } catch (err) {
        await stop();
        throw new Error(`${String(err)}\n${proc.output()}`);
    }
    return {
        url,
        root,
        client: (creds = root) => new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: creds, maxAttempts: 1 }),
        createUser(accessKeyId, secretAccessKey) {
            const r = spawnSync(
                binary,
                ["admin", "--access", root.accessKeyId, "--secret", root.secretAccessKey, "--endpoint-url", url, "create-user", "--access", accessKeyId, "--secret", secretAccessKey, "--role", "user"],
                { encoding: "utf8" },
            );
            if (r.status !== 0) throw new Error(`create-user ${accessKeyId} failed: ${r.stderr}${r.stdout}`);
        },
        stop,
    };
}

export type LifecycleOutcome = "applied" | "not-implemented";

/**
 * Creates every rendered bucket with its settings, and a bucket policy per bucket. Returns
 * whether the server took the lifecycle rules (versitygw answers 501 NotImplemented).
 */
export async function applyBucketsFile(s3: S3Client, file: BucketsFile, policies: ReadonlyMap<string, PolicyDocument>): Promise<LifecycleOutcome> {
    let lifecycle: LifecycleOutcome = "applied";
    for (const b of file.buckets) {
        await s3.send(new CreateBucketCommand({ Bucket: b.name, ObjectLockEnabledForBucket: b.objectLock.enabled || undefined }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: b.name, VersioningConfiguration: { Status: b.versioning } }));
        if (b.objectLock.enabled) {
            const rule = { DefaultRetention: { Mode: b.objectLock.mode as "GOVERNANCE" | "COMPLIANCE", Days: b.objectLock.days } };
            await s3.send(new PutObjectLockConfigurationCommand({ Bucket: b.name, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: rule } }));
        }
        if (b.lifecycle.length > 0) {
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
        const policy = policies.get(b.name);
        if (policy) await s3.send(new PutBucketPolicyCommand({ Bucket: b.name, Policy: JSON.stringify(policy) }));
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
