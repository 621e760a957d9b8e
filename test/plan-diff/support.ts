/** Hand-built offline plans (the JSON of tools/plan.ts) for the plan-diff tests. */
import type { PlanJson } from "../../tools/plan";
import type { PlanResource } from "../../tools/plan-diff/diff";

export function res(type: string, name: string, inputs: Record<string, unknown> = {}, more: Partial<PlanResource> = {}): PlanResource {
    return { type, name, parent: null, protect: false, retainOnDelete: false, dependsOn: [], inputs, ...more };
}

export function plan(resources: PlanResource[], outputs: Record<string, unknown> = {}, stack = "dev"): PlanJson {
    return { stack, resources, outputs };
}

export const DB = "postgresql:index/database:Database";
export const SCHEMA = "postgresql:index/schema:Schema";
export const GRANT = "postgresql:index/grant:Grant";
export const BUCKET = "aws:s3/bucket:Bucket";
export const RDS = "aws:rds/instance:Instance";
export const STS = "kubernetes:apps/v1:StatefulSet";

export const KEEP = { protect: true, retainOnDelete: true };
