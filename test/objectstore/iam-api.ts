/**
 * A minimal client for the AWS IAM query API (SigV4, service `iam`), enough to make the calls
 * the aws profile's AwsServiceIdentities makes (CreateUser, CreateAccessKey, PutUserPolicy)
 * against versitygw's standalone IAM service. Written here because only @aws-sdk/client-s3 is
 * a dependency; SigV4 is the documented algorithm, signed headers host, content-type, x-amz-date.
 */
import { createHash, createHmac } from "crypto";

export interface Credentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s).digest();

export class IamApiError extends Error {
    constructor(
        readonly action: string,
        readonly status: number,
        readonly body: string,
    ) {
        super(`IAM ${action}: HTTP ${status}: ${body}`);
    }
}

/** Sends one IAM action as a signed form POST; returns the XML response body. */
export async function iamCall(url: string, creds: Credentials, params: Record<string, string>, region = "us-east-1"): Promise<string> {
    const body = new URLSearchParams({ ...params, Version: "2010-05-08" }).toString();
    const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, "");
    const date = amzDate.slice(0, 8);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded; charset=utf-8", host: new URL(url).host, "x-amz-date": amzDate };
    const names = Object.keys(headers).sort();
    const canonical = ["POST", "/", "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), sha256(body)].join("\n");
    const scope = `${date}/${region}/iam/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
    let key = hmac(`AWS4${creds.secretAccessKey}`, date);
    for (const part of [region, "iam", "aws4_request"]) key = hmac(key, part);
    const signature = createHmac("sha256", key).update(toSign).digest("hex");
    const authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
    const res = await fetch(url, { method: "POST", headers: { ...headers, authorization }, body });
    const text = await res.text();
    if (!res.ok) throw new IamApiError(params.Action, res.status, text);
    return text;
}

/** The text of the first `<tag>` in an XML response. */
export function xmlField(xml: string, tag: string): string {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
    if (!m) throw new Error(`no <${tag}> in ${xml}`);
    return m[1];
}
