/**
 * What a StellaOps service does on NATS (DESIGN.md §2a), replayed with the nats client as the
 * service's own user: at start-up it creates (or updates) its streams and its durable consumer;
 * producers publish jobs with a message id (idempotency); workers pull, ack what they did, nak
 * what failed, and on the last allowed delivery move the job to the `_DEAD` stream and term it.
 */
import * as assert from "assert";
import { AckPolicy, headers, JsMsg, NatsConnection, NatsError, StorageType } from "nats";
import type { NatsStreamSpec } from "../../components/catalog";

/** How often a job is delivered before it goes to its dead-letter stream. */
export const MAX_DELIVERIES = 3;

const text = new TextEncoder();
/** JetStream API error codes: stream not found; no suitable peers (yet) for a replicated stream. */
const JS_STREAM_NOT_FOUND = 10059;
const JS_NO_PEERS_YET = 10005;

/** A queue: a stream with a durable consumer, and its `_DEAD` letter stream (catalog convention). */
export interface Queue {
    readonly stream: NatsStreamSpec & { readonly consumer: string };
    readonly dead: NatsStreamSpec;
}

/** The queues among a service's streams. */
export function queuesOf(streams: readonly NatsStreamSpec[]): Queue[] {
    return streams
        .filter((s): s is Queue["stream"] => s.consumer !== undefined)
        .map((stream) => {
            const dead = streams.find((d) => d.name === `${stream.name}_DEAD`);
            assert.ok(dead, `${stream.name} has no _DEAD stream in the catalog`);
            return { stream, dead };
        });
}

/**
 * Start-up: create or update every stream (the .NET client's CreateOrUpdateStream: update, create
 * when it does not exist yet) and the durable consumers. Run again, it is a restart; a changed
 * `maxAgeSeconds` is a new release updating its streams.
 */
export async function startUp(nc: NatsConnection, streams: readonly NatsStreamSpec[], replicas: number, maxAgeSeconds = 7 * 24 * 3600): Promise<void> {
    const jsm = await nc.jetstreamManager();
    for (const s of streams) {
        const config = { name: s.name, subjects: [s.subject], storage: StorageType.File, num_replicas: replicas, max_age: maxAgeSeconds * 1e9 };
        await retrying(async () => {
            try {
                await jsm.streams.update(s.name, config);
            } catch (err) {
                if ((err as NatsError).api_error?.err_code !== JS_STREAM_NOT_FOUND) throw err;
                await jsm.streams.add(config);
            }
        });
    }
    for (const q of queuesOf(streams)) {
        await jsm.consumers.add(q.stream.name, { durable_name: q.stream.consumer, ack_policy: AckPolicy.Explicit, max_deliver: MAX_DELIVERIES, ack_wait: 30e9 });
    }
}

/** Publishes jobs with message ids; a repeated id is recognised as a duplicate and not stored twice. */
export async function enqueue(nc: NatsConnection, q: Queue, jobs: readonly string[]): Promise<void> {
    const js = nc.jetstream();
    for (const job of jobs) {
        const first = await js.publish(q.stream.subject, text.encode(job), { msgID: `${q.stream.name}:${job}` });
        const again = await js.publish(q.stream.subject, text.encode(job), { msgID: `${q.stream.name}:${job}` });
        assert.ok(!first.duplicate && again.duplicate && again.seq === first.seq, `${job}: idempotent publish`);
    }
}

/**
 * Retries what a worker retries: a JetStream request that failed while a stream or consumer
 * changes leader, or the client reconnects (no responders, timeout, leadership change), or a
 * placement the cluster cannot make yet (a new cluster's servers exchange their state first).
 */
export async function retrying<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
    for (let i = 1; ; i++) {
        try {
            return await call();
        } catch (err) {
            const e = err as NatsError;
            const transient = ["503", "408", "409", "TIMEOUT", "DISCONNECT"].includes(e.code) || e.api_error?.err_code === JS_NO_PEERS_YET;
            if (i >= attempts || !transient) throw err;
            await new Promise((r) => setTimeout(r, 250));
        }
    }
}

/**
 * Works the queue until it is empty: jobs named `poison*` fail every time. Returns the jobs done
 * and the jobs dead-lettered, in order.
 */
export async function work(nc: NatsConnection, q: Queue): Promise<{ done: string[]; dead: string[] }> {
    const js = nc.jetstream();
    const consumer = await retrying(() => js.consumers.get(q.stream.name, q.stream.consumer));
    const done: string[] = [];
    const dead: string[] = [];
    for (;;) {
        const m: JsMsg | null = await retrying(() => consumer.next({ expires: 1500 }));
        if (!m) break;
        const job = m.string();
        if (!job.startsWith("poison")) {
            assert.ok(await m.ackAck(), `${job}: ack confirmed`);
            done.push(job);
        } else if (m.info.redeliveryCount < MAX_DELIVERIES) {
            m.nak();
        } else {
            const h = headers();
            h.set("StellaOps-Dead-Letter-Stream", q.stream.name);
            h.set("StellaOps-Dead-Letter-Sequence", String(m.seq));
            h.set("StellaOps-Deliveries", String(m.info.redeliveryCount));
            await retrying(() => js.publish(q.dead.subject, m.data, { headers: h, msgID: `dead:${q.stream.name}:${m.seq}` }));
            m.term();
            dead.push(job);
        }
    }
    return { done, dead };
}

/** The dead letters of a queue, read by sequence as an operator tool or the service would. */
export async function deadLetters(nc: NatsConnection, q: Queue): Promise<{ job: string; deliveries: string | undefined }[]> {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(q.dead.name);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(q.dead.name, { seq });
        out.push({ job: new TextDecoder().decode(m.data), deliveries: m.header.get("StellaOps-Deliveries") });
    }
    return out;
}

/** Resolves with the error code a promise rejects with (a JetStream API or publish denial). */
export async function errorCode(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (err) {
        return (err as NatsError).code;
    }
    return "no error";
}

/** The code of the error a denied subscription gets, or "no error" once the server has answered a ping. */
export async function subscribeError(nc: NatsConnection, subject: string): Promise<string> {
    let code = "no error";
    nc.subscribe(subject, { callback: (err) => (code = err?.code ?? code) });
    await nc.flush();
    await nc.flush(); // the server's -ERR for the SUB arrives before the PONG of a later PING
    return code;
}
