/**
 * A tiny Kubernetes API client for the e2e tools: JSON over HTTPS with the admin client
 * certificate. Enough for creating test objects and polling their status; Pulumi's own provider
 * does the real work.
 */
import * as https from "https";

export interface KubeResponse {
    readonly status: number;
    /** The decoded JSON body (a Status object for errors); `any` because callers read what they check. */
    readonly body: any;
}

/** One object as the API returns it; only the fields the tools read are typed. */
export interface KubeObject {
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly uid?: string };
    readonly spec?: any;
    readonly status?: any;
    /** Secrets' and ConfigMaps' payload. */
    readonly data?: Record<string, string>;
    /** Events' fields. */
    readonly reason?: string;
    readonly message?: string;
}

export class KubeError extends Error {
    constructor(readonly response: KubeResponse, what: string) {
        super(`${what}: HTTP ${response.status}: ${response.body?.message ?? JSON.stringify(response.body)}`);
    }
}

export class KubeClient {
    private readonly agent: https.Agent;

    constructor(readonly server: string, tls: { readonly ca: string; readonly cert: string; readonly key: string }) {
        this.agent = new https.Agent({ ...tls, keepAlive: true });
    }

    request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse> {
        const data = body === undefined ? undefined : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = https.request(
                new URL(path, this.server),
                { method, agent: this.agent, headers: { accept: "application/json", ...(data ? { "content-type": contentType, "content-length": Buffer.byteLength(data) } : {}) } },
                (res) => {
                    let text = "";
                    res.setEncoding("utf8");
                    res.on("data", (d) => (text += d));
                    res.on("end", () => {
                        let parsed: unknown = text;
                        try {
                            parsed = text ? JSON.parse(text) : undefined;
                        } catch {
                            // plain-text endpoints (/readyz) answer "ok"
                        }
                        resolve({ status: res.statusCode ?? 0, body: parsed });
                    });
                },
            );
            req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: no answer after 30 s`)));
            req.on("error", reject);
            req.end(data);
        });
    }

    /** GET; undefined on 404. */
    async get<T = KubeObject>(path: string): Promise<T | undefined> {
        const r = await this.request("GET", path);
        if (r.status === 404) return undefined;
        if (r.status !== 200) throw new KubeError(r, `GET ${path}`);
        return r.body as T;
    }

    async list(path: string): Promise<KubeObject[]> {
        return ((await this.get<{ items: KubeObject[] }>(path))?.items ?? []) as KubeObject[];
    }

    /** POST to a collection; throws with the API server's message when refused. */
    async create<T = KubeObject>(collection: string, obj: unknown): Promise<T> {
        const r = await this.request("POST", collection, obj);
        if (r.status !== 201 && r.status !== 200) throw new KubeError(r, `POST ${collection}`);
        return r.body as T;
    }

    /** JSON merge patch (e.g. of a `/status` subresource). */
    async patch(path: string, patch: unknown): Promise<void> {
        const r = await this.request("PATCH", path, patch, "application/merge-patch+json");
        if (r.status !== 200) throw new KubeError(r, `PATCH ${path}`);
    }

    async delete(path: string): Promise<void> {
        const r = await this.request("DELETE", path);
        if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new KubeError(r, `DELETE ${path}`);
    }

    close(): void {
        this.agent.destroy();
    }
}
