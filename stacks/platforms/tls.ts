/**
 * TLS material of a server the stack runs, from the secrets config validation required when
 * that server's `tls` is on.
 */
import type { TlsPair } from "../../components/types";
import type { StackSecrets } from "../config";

export function tlsPair(secrets: StackSecrets, server: "valkey" | "nats", on: boolean): TlsPair | undefined {
    if (!on) return undefined;
    const cert = secrets[`${server}TlsCert`];
    const key = secrets[`${server}TlsKey`];
    // Config validation requires both when tls is on: a gap here is a bug, not a user error.
    if (!cert || !key) throw new Error(`internal: ${server}.tls is on but its TLS secrets were not validated`);
    return { cert, key };
}
