/**
 * Runs a bootstrap Job the way Kubernetes would, without Kubernetes: the component is evaluated
 * under mocks, its ConfigMap's files are written to a temp dir (the volume) and each emptyDir
 * becomes a directory, the container's environment is taken from the Job with each secretKeyRef
 * resolved from the Secret's data, and the container's own command runs locally with every
 * mount path pointing at its directory.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { RecordedResource } from "../harness";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The Job's one container, ready to run on this machine. */
export interface LocalJob {
    /** Files of the mounted ConfigMap, by name. */
    readonly files: Readonly<Record<string, string>>;
    /** The container's environment with secrets resolved (values in clear). */
    readonly env: Readonly<Record<string, string>>;
    /** The container's command. */
    readonly command: readonly string[];
    /** The container's mounts: volume name, path, and the files of a ConfigMap volume. */
    readonly mounts: readonly { readonly name: string; readonly mountPath: string; readonly files?: Readonly<Record<string, string>> }[];
    /** The Job's physical name. */
    readonly name: string;
}

export interface JobRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly ms: number;
}

/** The recorded Job (exactly one among `all`), its ConfigMap and Secret, as a LocalJob. */
export function localJob(all: readonly RecordedResource[]): LocalJob {
    const [job] = all.filter((r) => r.type === "kubernetes:batch/v1:Job");
    const pod = (job.rawInputs.spec as any).template.spec;
    const [container] = pod.containers;
    const configMaps = all.filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
    const secrets = all.filter((r) => r.type === "kubernetes:core/v1:Secret");
    const mounts = container.volumeMounts.map((m: any) => {
        const volume = pod.volumes.find((v: any) => v.name === m.name);
        const cm = volume.configMap && configMaps.find((c) => (c.rawInputs.metadata as any).name === volume.configMap.name);
        if (volume.configMap && !cm) throw new Error(`no ConfigMap ${volume.configMap.name} among the recorded resources`);
        return { name: m.name, mountPath: m.mountPath, ...(cm && { files: cm.rawInputs.data as Record<string, string> }) };
    });
    const env: Record<string, string> = {};
    for (const e of container.env) {
        if ("value" in e) env[e.name] = e.value;
        else {
            const ref = e.valueFrom.secretKeyRef;
            const s = secrets.find((x) => (x.rawInputs.metadata as any).name === ref.name)!;
            env[e.name] = (s.rawInputs.stringData as Record<string, string>)[ref.key];
        }
    }
    const files = mounts.find((m: { files?: unknown }) => m.files)?.files ?? {};
    return { files, env, command: container.command, mounts, name: (job.rawInputs.metadata as any).name };
}

/**
 * Writes each ConfigMap mount's files into `dir/<volume>`, makes `dir/<volume>` for each other
 * mount, and runs the container's command with its environment (plus PATH, and `override`),
 * every mount path in the command and the environment replaced by its directory.
 */
export async function runLocally(job: LocalJob, dir: string, override: Readonly<Record<string, string | undefined>> = {}): Promise<JobRun> {
    const local = job.mounts.map((m) => ({ ...m, dir: path.join(dir, m.name) }));
    for (const m of local) {
        fs.mkdirSync(m.dir, { recursive: true });
        for (const [name, content] of Object.entries(m.files ?? {})) fs.writeFileSync(path.join(m.dir, name), content);
    }
    const swap = (s: string) => {
        const m = local.find((x) => s === x.mountPath || s.startsWith(`${x.mountPath}/`));
        return m ? m.dir + s.slice(m.mountPath.length) : s;
    };
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    for (const [k, v] of Object.entries(job.env)) env[k] = swap(v);
    for (const [k, v] of Object.entries(override)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
    }
    const [cmd, ...args] = job.command.map(swap);
    const start = Date.now();
    // Asynchronous: a server the test runs in this process (the stand-in) must keep answering.
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120000);
    const status = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    clearTimeout(timer);
    return { status, stdout, stderr, ms: Date.now() - start };
}

/** Throws with the output unless the run exited 0. */
export async function expectSuccess(running: Promise<JobRun>, what: string): Promise<JobRun> {
    const run = await running;
    if (run.status !== 0) throw new Error(`${what} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    return run;
}

/** Every `image` field anywhere in a value (recorded inputs). */
export const imagesIn = (v: unknown): string[] =>
    Array.isArray(v) ? v.flatMap(imagesIn) : v && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => (k === "image" && typeof x === "string" ? [x] : imagesIn(x))) : [];
