/**
 * The config schema, built from the profile descriptor: for each profile, exactly the sections
 * and keys its row lists (what it requires without a default), so a key a profile would ignore
 * is refused and what it needs is required by the type. One zod discriminated union on
 * `profile`; the static types are derived from the same field dictionaries and rows.
 */
import { z } from "zod";
import { PROFILES, PROFILE_NAMES, ProfileDescriptor, ProfileName } from "../profiles";
import { backupFields } from "./backup";
import { natsFields } from "./nats";
import { objectStoreFields } from "./objectstore";
import { awsFields, dockerFields, imagesFields, kubernetesFields } from "./platform";
import { postgresFields } from "./postgres";
import { rotationFields } from "./rotation";
import { checkProfile } from "./profile-rules";
import { servicesSection } from "./services";
import { valkeyFields } from "./valkey";

/** Every key of every section any profile reads, with its rule, default and description. */
export const FIELDS = {
    postgres: postgresFields,
    valkey: valkeyFields,
    objectStore: objectStoreFields,
    nats: natsFields,
    backup: backupFields,
    images: imagesFields,
    docker: dockerFields,
    kubernetes: kubernetesFields,
    aws: awsFields,
    rotation: rotationFields,
} as const;

type Fields = typeof FIELDS;
export type FieldSection = keyof Fields;
export const FIELD_SECTIONS = Object.keys(FIELDS) as FieldSection[];

type Listed<T> = T extends readonly (infer K)[] ? K : never;
type KeysOf<P extends ProfileDescriptor, S extends FieldSection> = Extract<Listed<P["keys"][S]>, keyof Fields[S]>;
type RequiredOf<P extends ProfileDescriptor, S extends FieldSection> = Listed<P["required"][S]>;
type FieldOut<S extends FieldSection, K extends keyof Fields[S]> = Fields[S][K] extends z.ZodType ? z.output<Fields[S][K]> : never;
type SectionOut<P extends ProfileDescriptor, S extends FieldSection> = {
    readonly [K in KeysOf<P, S>]: K extends RequiredOf<P, S> ? Exclude<FieldOut<S, K>, undefined> : FieldOut<S, K>;
};
type SectionsOf<P extends ProfileDescriptor> = { [S in FieldSection]: KeysOf<P, S> extends never ? never : S }[FieldSection];

/** The validated config of one profile: only its sections and keys, required ones non-optional. */
export type ConfigFor<N extends ProfileName> = { readonly profile: N; readonly services: z.output<typeof servicesSection> } & {
    readonly [S in SectionsOf<(typeof PROFILES)[N]>]: SectionOut<(typeof PROFILES)[N], S>;
};
export type StackConfig = { [N in ProfileName]: ConfigFor<N> }[ProfileName];

/** A required key must be optional in the dictionary (no default): the row takes the optionality away. */
function requiredField(section: string, key: string, field: z.ZodType): z.ZodType {
    if (!(field instanceof z.ZodOptional)) throw new Error(`profiles: ${section}.${key} is required but has a default in the field dictionary`);
    return field.unwrap() as z.ZodType;
}

function sectionSchema(p: ProfileDescriptor, section: FieldSection): z.ZodType {
    const fields = FIELDS[section] as Record<string, z.ZodType>;
    const required: readonly string[] = p.required[section] ?? [];
    const shape: Record<string, z.ZodType> = {};
    for (const key of p.keys[section] ?? []) {
        const field = fields[key];
        if (!field) throw new Error(`profiles: ${p.name} lists ${section}.${key}, which has no field definition`);
        shape[key] = required.includes(key) ? requiredField(section, key, field) : field;
    }
    // An absent section parses as {}: defaults apply and a missing required key is named.
    return z.strictObject(shape).prefault({});
}

/** The schema of one row: exported so a test can show that a new profile is only a row. */
export function profileSchema(p: ProfileDescriptor) {
    const shape: Record<string, z.ZodType> = { profile: z.literal(p.name), services: servicesSection };
    for (const section of FIELD_SECTIONS) if (p.keys[section]) shape[section] = sectionSchema(p, section);
    return z.strictObject(shape);
}

const PROFILE_ERROR = `expected one of ${PROFILE_NAMES.join(", ")}`;

export const stackConfigSchema = z
    .discriminatedUnion(
        "profile",
        PROFILE_NAMES.map((n) => profileSchema(PROFILES[n])) as unknown as [ReturnType<typeof profileSchema>, ...ReturnType<typeof profileSchema>[]],
        { error: PROFILE_ERROR },
    )
    .superRefine((cfg, ctx) => checkProfile(cfg as unknown as StackConfig, ctx)) as unknown as z.ZodType<StackConfig>;
