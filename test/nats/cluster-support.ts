/**
 * Helpers for the cluster tests: the environment a member pod gets, expanded the way the kubelet
 * expands `$(VAR)` references to earlier variables, and three nats-servers on loopback.
 */
import * as fs from "fs";
import * as path from "path";
import { localLayout, NatsServerLayout, routeEnvironment } from "../../components/nats/layout";
import { NatsPlan } from "../../components/nats/plan";
import { renderNatsConf } from "../../components/nats/render";
import { freePort, tempDir } from "../support/servers";
import { runNats, RunningNats } from "./server-support";

interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}

/** The container's environment for pod `podName`, the secret reference resolved to `secret`, `$(VAR)` expanded. */
export function clusterPodEnvironment(env: readonly EnvVar[], podName: string, secret: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of env) {
        if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") out[e.name] = podName;
        else if (e.valueFrom?.secretKeyRef) out[e.name] = secret;
        else out[e.name] = (e.value ?? "").replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => out[v] ?? m);
    }
    return out;
}

export interface Member extends RunningNats {
    readonly name: string;
    readonly layout: NatsServerLayout;
    readonly confFile: string;
    readonly env: Record<string, string>;
    /** Starts it again on the same ports and store (after a kill). */
    restart(): Promise<Member>;
}

/** Renders one config per member (loopback layout, hashes inline) and starts all three. */
export async function startCluster(bin: string, plan: NatsPlan, hashes: Record<string, string>, routePassword: string): Promise<{ members: Member[]; dir: string }> {
    const dir = tempDir("nats-cluster");
    const size = plan.cluster!.size;
    const layouts: NatsServerLayout[] = [];
    for (let i = 0; i < size; i++) {
        const ports = { clientPort: await freePort(), monitorPort: await freePort(), clusterPort: await freePort() };
        layouts.push(localLayout(plan, { dataDir: path.join(dir, `nats-${i}`), serverName: `nats-${i}`, ...ports }));
    }
    const env = routeEnvironment(plan, layouts.map((l) => `127.0.0.1:${l.clusterPort}`), routePassword);
    const start = async (i: number): Promise<Member> => {
        const confFile = path.join(dir, `nats-${i}.conf`);
        fs.writeFileSync(confFile, renderNatsConf(plan, layouts[i], hashes));
        // Each server is healthy on its own once JetStream runs; the cluster is awaited separately.
        const running = await runNats(bin, ["-c", confFile], layouts[i], env);
        return { ...running, name: `nats-${i}`, layout: layouts[i], confFile, env, restart: () => start(i) };
    };
    const members = await Promise.all(layouts.map((_, i) => start(i)));
    return { members, dir };
}
