/**
 * Runs Pulumi programs offline under mocks and records what each resource registration
 * asks of the engine: type, name, parent, inputs (secrets masked), protect, retainOnDelete,
 * dependsOn. The same recording feeds `npm run plan` and the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockResourceState } from "./mock-state";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_MARK = "[secret]";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parent: string | null;
    readonly custom: boolean;
    readonly provider: string | null;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    /** Explicit `dependsOn` (names). */
    readonly dependsOn: readonly string[];
    /** Every dependency the engine is told about: dependsOn plus those carried by inputs (names). */
    readonly dependencies: readonly string[];
    readonly ignoreChanges: readonly string[];
    readonly aliases: number;
    /** Inputs as sent to the engine, every secret replaced by "[secret]". */
    readonly inputs: Record<string, unknown>;
    /** Paths (a.b[0].c) of inputs that were sent as secrets. */
    readonly secretPaths: readonly string[];
    /** Inputs with secret values in clear, for tests that check what a secret contains. */
    readonly rawInputs: Record<string, unknown>;
}

const recorded: RecordedResource[] = [];

/** A lookup of an existing resource (`Resource.get`): what the program reads before it creates anything. */
export interface RecordedRead {
    readonly type: string;
    readonly name: string;
    /** The id looked up. */
    readonly id: string;
    readonly parent: string | null;
}

const reads: RecordedRead[] = [];
let pending = 0;

export const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

function mask(value: unknown, path: string, secretPaths: string[], reveal: boolean): unknown {
    if (Array.isArray(value)) return value.map((v, i) => mask(v, `${path}[${i}]`, secretPaths, reveal));
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            if (!reveal) secretPaths.push(path);
            return reveal ? mask(obj.value, path, [], true) : SECRET_MARK;
        }
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(obj).sort()) out[k] = mask(obj[k], path ? `${path}.${k}` : k, secretPaths, reveal);
        return out;
    }
    return value === UNKNOWN ? "[unknown]" : value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function record(req: any): void {
    const type: string = req.getType();
    const name: string = req.getName();
    const parentUrn: string = req.getParent();
    const qualified = parentUrn ? `${parentUrn.split("::")[2]}$${type}` : type;
    const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
    const raw = req.getObject()?.toJavaScript() ?? {};
    const secretPaths: string[] = [];
    const inputs = mask(raw, "", secretPaths, false) as Record<string, unknown>;
    const propertyDeps = new Set<string>();
    for (const [, deps] of req.getPropertydependenciesMap().entries()) for (const u of deps.getUrnsList()) propertyDeps.add(u);
    const all: string[] = req.getDependenciesList();
    const provider: string = req.getProvider();
    recorded.push({
        type,
        name,
        urn,
        parent: parentUrn ? nameOf(parentUrn) : null,
        custom: req.getCustom(),
        provider: provider ? nameOf(provider.split("::").slice(0, -1).join("::")) : null,
        protect: req.getProtect?.() ?? false,
        retainOnDelete: req.getRetainondelete?.() ?? false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        dependsOn: all.filter((u) => !propertyDeps.has(u)).map(nameOf).sort(),
        dependencies: [...new Set(all)].map(nameOf).sort(),
        ignoreChanges: req.getIgnorechangesList(),
        aliases: req.getAliasesList().length,
        inputs,
        secretPaths: secretPaths.sort(),
        rawInputs: mask(raw, "", [], true) as Record<string, unknown>,
    });
}

/** Installs mocks that record every registration. Call once per process (or per evaluation). */
export async function installMocks(project: string, stack: string): Promise<void> {
    await pulumi.runtime.setMocks(
        { newResource: mockResourceState, call: mockCall },
        project,
        stack,
        false,
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.readResource = (req: any, callback: (err: unknown, res: unknown) => void) => {
        const parentUrn: string = req.getParent();
        reads.push({ type: req.getType(), name: req.getName(), id: req.getId(), parent: parentUrn ? nameOf(parentUrn) : null });
        pending++;
        return read(req, (err: unknown, res: unknown) => {
            pending--;
            callback(err, res);
        });
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, callback: (err: unknown, res: unknown) => void) => {
        record(req);
        pending++;
        return register(req, (err: unknown, res: unknown) => {
            pending--;
            callback(err, res);
        });
    };
}

export function resetResources(): void {
    recorded.length = 0;
    reads.length = 0;
}

/** Every read so far, in order. */
export function recordedReads(): readonly RecordedRead[] {
    return reads;
}

/** Every registration so far, in registration order. */
export function recordedResources(): readonly RecordedResource[] {
    return recorded;
}

/** Waits until every registration and output the program started has settled. */
export async function settle(): Promise<void> {
    for (let quiet = 0; quiet < 3; ) {
        // waitForRPCs is exported at runtime but marked internal in the typings.
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        await new Promise((r) => setImmediate(r));
        quiet = pending === 0 ? quiet + 1 : 0;
    }
}

export interface Resolved {
    readonly value: unknown;
    readonly secret: boolean;
    readonly known: boolean;
}

/** Resolves an Output (or any value holding Outputs) the way the engine would see it. */
export async function unwrap(value: unknown): Promise<Resolved> {
    const out = pulumi.output(value);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const o = out as any;
    const [v, secret, known] = await Promise.all([o.promise(true), o.isSecret, o.isKnown]);
    return { value: v, secret, known };
}
