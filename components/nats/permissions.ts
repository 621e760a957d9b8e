/**
 * What a service's NATS user may do inside its own account: publish and subscribe under its
 * subject root and its streams' subjects, and exactly the JetStream API calls a service makes on
 * the streams it owns: create, update and inspect them, create and inspect its durable consumers,
 * pull, ack/nak/term, read one message by sequence (dead letters). No delete or purge of a stream
 * or consumer, no other stream name, no system subjects; other accounts are out of reach anyway.
 */
import type { NatsStreamSpec } from "../catalog";

/** JetStream API subjects for one stream the service owns. */
export function streamApiSubjects(stream: string): string[] {
    return [
        `$JS.API.STREAM.CREATE.${stream}`,
        `$JS.API.STREAM.UPDATE.${stream}`,
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
        // Consumers: the legacy create, create with a name (and filter), durable create.
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.INFO.${stream}.>`,
        `$JS.API.CONSUMER.NAMES.${stream}`,
        `$JS.API.CONSUMER.LIST.${stream}`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
        // ack, nak, term, in-progress: replies to the delivered messages of this stream.
        `$JS.ACK.${stream}.>`,
    ];
}

/** Publish and subscribe allow-lists of a service with subject root `subjects` and these streams. */
export function natsPermissions(subjects: string, streams: readonly NatsStreamSpec[]): { publish: string[]; subscribe: string[] } {
    const root = `${subjects}.>`;
    // A stream subject outside the root is granted on its own (a stream added in config may have one).
    const outside = streams.map((s) => s.subject).filter((s) => !s.startsWith(`${subjects}.`));
    return {
        publish: [
            root,
            ...outside,
            // The service's own account: its limits and the names of its streams.
            "$JS.API.INFO",
            "$JS.API.STREAM.NAMES",
            "$JS.API.STREAM.LIST",
            ...streams.flatMap((s) => streamApiSubjects(s.name)),
        ],
        // Publish acks, API answers and pulled messages arrive on inboxes.
        subscribe: [root, ...outside, "_INBOX.>"],
    };
}
