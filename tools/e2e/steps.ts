/** The e2e's timed steps: each printed with its wall time and tabled at the end, per scenario. */
import { summaryLines } from "./engine";

export const timings: [string, number][] = [];
let scenario = "";

/** Names the scenario (PostgreSQL version and admin) the following steps belong to. */
export function setScenario(name: string): void {
    scenario = name;
}

export const currentScenario = (): string => scenario;

export async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const start = Date.now();
    const result = await fn();
    const ms = Date.now() - start;
    timings.push([scenario ? `${scenario}: ${name}` : name, ms]);
    console.log(`[e2e${scenario ? ` ${scenario}` : ""}] ${name}: ${(ms / 1000).toFixed(1)} s`);
    return result;
}

export const show = (text: string): void => summaryLines(text).forEach((l) => console.log(`        ${l}`));
