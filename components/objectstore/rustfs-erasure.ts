/**
 * Pure planning of a distributed RustFS cluster (N servers x M volumes): the erasure layout
 * RustFS itself derives from `RUSTFS_VOLUMES`, checked before anything is registered, and what
 * it survives. The rules are RustFS's own (crates/ecstore: layout/disks_layout.rs,
 * config/storageclass.rs, set_disk quorum; the same in the pinned 1.0.0-alpha.69 and today):
 * - the drives (N x M) are cut into erasure sets of equal size, 2 to 16 drives;
 * - the set size must be symmetric with the server count (a multiple or a divisor of N), so
 *   every set holds the same number of drives from each server it spans; RustFS picks the
 *   largest such size;
 * - STANDARD parity defaults by set size (1: 0, 2-3: 1, 4-5: 2, 6-7: 3, 8+: 4) and may not
 *   exceed half the set (`RUSTFS_STORAGE_CLASS_STANDARD=EC:<parity>` overrides it);
 * - reads need set - parity drives; writes the same, plus one when parity is exactly half.
 * RustFS's multi-node guide asks for at least 4 servers; this plan also requires that writes
 * keep going with one server down, so a PodDisruptionBudget of one is always safe.
 */
import { Problems } from "../problems";

/** Erasure set sizes RustFS accepts. */
export const MIN_SET_SIZE = 2;
export const MAX_SET_SIZE = 16;
/** RustFS's documented minimum for multiple nodes with multiple drives. */
export const MIN_NODES = 4;

export interface RustfsClusterOptions {
    /** RustFS servers (StatefulSet replicas), one per Kubernetes node. */
    readonly nodes: number;
    /** Data volumes (PVCs) per server. */
    readonly volumesPerNode: number;
    /**
     * STANDARD parity per erasure set (EC:<parity>).
     * @default RustFS's automatic parity for the set size
     */
    readonly parity?: number;
}

export interface ErasureLayout {
    readonly nodes: number;
    readonly volumesPerNode: number;
    readonly drives: number;
    /** Drives per erasure set, and how many sets. */
    readonly setSize: number;
    readonly sets: number;
    readonly parity: number;
    /** Set when the parity was given (rendered as RUSTFS_STORAGE_CLASS_STANDARD). */
    readonly explicitParity: boolean;
    /** Drives of one set on one server. */
    readonly drivesPerNodeInSet: number;
    readonly readQuorum: number;
    readonly writeQuorum: number;
    /** Servers (or volumes) that may be lost while every object stays readable / writable. */
    readonly survives: { readonly nodesReading: number; readonly nodesWriting: number; readonly drivesWriting: number };
    /** Mount path of each volume, in order. */
    readonly mountPaths: readonly string[];
}

/** RustFS's automatic STANDARD parity for a set size. */
export function defaultParity(setSize: number): number {
    if (setSize <= 1) return 0;
    if (setSize <= 3) return 1;
    if (setSize <= 5) return 2;
    if (setSize <= 7) return 3;
    return 4;
}

/** The set size RustFS chooses for `drives` over `nodes` servers, or undefined when none fits. */
export function erasureSetSize(nodes: number, drives: number): number | undefined {
    const symmetric: number[] = [];
    for (let s = MIN_SET_SIZE; s <= MAX_SET_SIZE; s++) {
        if (drives % s === 0 && (s % nodes === 0 || nodes % s === 0)) symmetric.push(s);
    }
    // Among the candidates RustFS takes the one giving the fewest sets: the largest.
    return symmetric.length > 0 ? symmetric[symmetric.length - 1] : undefined;
}

const isCount = (n: number, min: number) => Number.isInteger(n) && n >= min;

/** The layout, or a PlanError("objectStore") naming `nodes`, `volumesPerNode` or `parity`. */
export function planErasure(opts: RustfsClusterOptions): ErasureLayout {
    const problems = new Problems();
    problems.need(isCount(opts.nodes, MIN_NODES), ["nodes"], `expected an integer >= ${MIN_NODES} (RustFS's minimum for a multi-node cluster)`, opts.nodes);
    problems.need(isCount(opts.volumesPerNode, 1), ["volumesPerNode"], "expected an integer >= 1", opts.volumesPerNode);
    problems.throwIfAny("objectStore");
    const drives = opts.nodes * opts.volumesPerNode;
    const setSize = erasureSetSize(opts.nodes, drives);
    problems.need(
        setSize !== undefined,
        ["volumesPerNode"],
        `expected nodes x volumesPerNode (${opts.nodes} x ${opts.volumesPerNode} = ${drives}) to split into erasure sets of ${MIN_SET_SIZE} to ${MAX_SET_SIZE} drives spread evenly over the ${opts.nodes} servers`,
        opts.volumesPerNode,
    );
    problems.throwIfAny("objectStore");
    const size = setSize!;
    const parity = opts.parity ?? defaultParity(size);
    problems.need(Number.isInteger(parity) && parity >= 0 && parity <= size / 2, ["parity"], `expected an integer from 0 to ${Math.floor(size / 2)} (half the erasure set of ${size} drives)`, opts.parity);
    const drivesPerNodeInSet = Math.max(1, size / opts.nodes);
    const readQuorum = size - parity;
    const writeQuorum = size - parity === parity ? size - parity + 1 : size - parity;
    const survives = {
        nodesReading: Math.floor(parity / drivesPerNodeInSet),
        nodesWriting: Math.floor((size - writeQuorum) / drivesPerNodeInSet),
        drivesWriting: size - writeQuorum,
    };
    problems.need(
        survives.nodesWriting >= 1,
        [opts.parity === undefined ? "volumesPerNode" : "parity"],
        `expected a layout that keeps writing with one server down: sets of ${size} drives with EC:${parity} hold ${drivesPerNodeInSet} drives per server and stop writing after ${survives.drivesWriting} lost drives`,
        opts.parity ?? opts.volumesPerNode,
    );
    problems.throwIfAny("objectStore");
    return {
        nodes: opts.nodes,
        volumesPerNode: opts.volumesPerNode,
        drives,
        setSize: size,
        sets: drives / size,
        parity,
        explicitParity: opts.parity !== undefined,
        drivesPerNodeInSet,
        readQuorum,
        writeQuorum,
        survives,
        mountPaths: opts.volumesPerNode === 1 ? ["/data"] : Array.from({ length: opts.volumesPerNode }, (_, i) => `/data/rustfs${i}`),
    };
}

/** Zones a cluster must span (evenly) to keep writing when one whole zone is lost. */
export function zonesToSurviveZoneLoss(layout: ErasureLayout): number {
    // The busiest zone holds ceil(nodes / zones) servers; it must be no more than nodesWriting.
    for (let zones = 2; zones <= layout.nodes; zones++) if (Math.ceil(layout.nodes / zones) <= layout.survives.nodesWriting) return zones;
    return layout.nodes;
}

/** Where the servers reach each other: `<statefulSet>-<i>.<peerHost>:<port>`. */
export interface PeerAddress {
    /** StatefulSet name (pod names are `<statefulSet>-<ordinal>`). */
    readonly statefulSet: string;
    /** DNS suffix of the headless Service: `<service>.<namespace>.svc.<cluster domain>`. */
    readonly peerDomain: string;
    readonly port: number;
}

/**
 * `RUSTFS_VOLUMES` in RustFS's ellipsis form, e.g.
 * `http://rustfs-{0...3}.rustfs-peers.ns.svc.cluster.local:9000/data/rustfs{0...3}`; one
 * volume per server is `/data` without a range (RustFS refuses a `{0...0}` range).
 */
export function rustfsVolumes(layout: ErasureLayout, at: PeerAddress): string {
    const volumes = layout.volumesPerNode === 1 ? "/data" : `/data/rustfs{0...${layout.volumesPerNode - 1}}`;
    return `http://${at.statefulSet}-{0...${layout.nodes - 1}}.${at.peerDomain}:${at.port}${volumes}`;
}

/** Expands `rustfsVolumes` the way RustFS does (volume-major), for tests and docs. */
export function expandVolumes(layout: ErasureLayout, at: PeerAddress): string[] {
    const out: string[] = [];
    for (const path of layout.mountPaths) for (let n = 0; n < layout.nodes; n++) out.push(`http://${at.statefulSet}-${n}.${at.peerDomain}:${at.port}${path}`);
    return out;
}
