/**
 * Types every component shares: one declaration per idea, imported everywhere.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Where clients reach a server. */
export interface InstanceEndpoint {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
}

/** Which pods may connect to a server (Kubernetes NetworkPolicies). */
export interface ClientSelector {
    /** Label the client pods carry. */
    readonly podLabel: { readonly key: string; readonly value: string };
    /** Namespaces the client pods run in (the server's own is always admitted). */
    readonly namespaces: readonly string[];
}

/** A PEM certificate and its key (the key kept secret). */
export interface TlsPair {
    readonly cert: pulumi.Input<string>;
    readonly key: pulumi.Input<string>;
}
