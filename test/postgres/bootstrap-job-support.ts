/**
 * Runs a bootstrap Job the way Kubernetes would, without Kubernetes: the component is evaluated
 * under mocks, its ConfigMap's files are written to a temp dir (the volume), the container's
 * environment is taken from the Job with each secretKeyRef resolved from the Secret's data, and
 * the container's own command runs locally with the mount path pointing at that dir.
 */
import { spawnSync } from "child_process";
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
    /** Where the ConfigMap is mounted in the container. */
    readonly mountPath: string;
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
    const filesVolume = pod.volumes.find((v: any) => v.configMap);
    const mount = container.volumeMounts.find((m: any) => m.name === filesVolume.name);
    const cm = configMaps.find((c) => (c.rawInputs.metadata as any).name === filesVolume.configMap.name)!;
    const env: Record<string, string> = {};
    for (const e of container.env) {
        if ("value" in e) env[e.name] = e.value;
        else {
            const ref = e.valueFrom.secretKeyRef;
            const s = secrets.find((x) => (x.rawInputs.metadata as any).name === ref.name)!;
            env[e.name] = (s.rawInputs.stringData as Record<string, string>)[ref.key];
        }
    }
    return { files: cm.rawInputs.data as Record<string, string>, env, command: container.command, mountPath: mount.mountPath, name: (job.rawInputs.metadata as any).name };
}

/**
 * Writes the files into `dir` and runs the container's command with its environment (plus
 * PATH, and `override`), the mount path replaced by `dir` in the command and the environment.
 */
export function runLocally(job: LocalJob, dir: string, override: Readonly<Record<string, string | undefined>> = {}): JobRun {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(job.files)) fs.writeFileSync(path.join(dir, name), content);
    const swap = (s: string) => (s === job.mountPath || s.startsWith(`${job.mountPath}/`) ? dir + s.slice(job.mountPath.length) : s);
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    for (const [k, v] of Object.entries(job.env)) env[k] = swap(v);
    for (const [k, v] of Object.entries(override)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
    }
    const [cmd, ...args] = job.command.map(swap);
    const start = Date.now();
    const r = spawnSync(cmd, args, { encoding: "utf8", env, timeout: 120000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - start };
}

/** Throws with the output unless the run exited 0. */
export function expectSuccess(run: JobRun, what: string): JobRun {
    if (run.status !== 0) throw new Error(`${what} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    return run;
}
