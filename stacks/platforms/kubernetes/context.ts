/**
 * What every part of the kubernetes platform shares: the validated input, the plans, the
 * provider and the namespace the dependencies live in, and who may connect.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ClientSelector } from "../../../components/types";
import type { StackInputFor } from "../../config";
import type { StackPlans } from "../../plans";
import type { ProfilesOn } from "../../profiles";

export type Input = StackInputFor<ProfilesOn<"kubernetes">>;

export interface K8sContext {
    readonly input: Input;
    readonly plans: StackPlans;
    readonly provider: k8s.Provider;
    readonly namespace: pulumi.Output<string>;
    readonly clients: ClientSelector;
    /** `{ providers: [provider] }` for components. */
    readonly on: pulumi.ComponentResourceOptions;
}

export const PART_OF = "app.kubernetes.io/part-of";
