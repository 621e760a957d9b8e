/**
 * Gives created RandomPasswords the values of existing passwords in an exported deployment
 * (`pulumi stack export`), as secrets: `pulumi stack import` encrypts them with the stack's
 * secrets provider (checked by the e2e: no plaintext in any state file). The bcrypt hash is
 * recomputed (NATS configs use it). Pure but for bcrypt.
 */
import * as bcrypt from "bcryptjs";

/** The engine's marker of a secret value in a deployment. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: string) => ({ [SIG]: SECRET, plaintext: JSON.stringify(value) });

interface Deployment {
    readonly version: number;
    readonly deployment: { resources?: { urn: string; type: string; outputs?: Record<string, unknown> }[] } & Record<string, unknown>;
}

/** A copy of `exported` with each listed RandomPassword holding its password; throws naming one that is missing. */
export function seedPasswords(exported: Deployment, passwords: ReadonlyMap<string, string>): Deployment {
    const resources = exported.deployment.resources ?? [];
    for (const urn of passwords.keys()) {
        const r = resources.find((x) => x.urn === urn);
        if (!r || r.type !== "random:index/randomPassword:RandomPassword") throw new Error(`adopt: ${urn} is not a RandomPassword in the stack's state (create it first)`);
    }
    return {
        ...exported,
        deployment: {
            ...exported.deployment,
            resources: resources.map((r) => {
                const pw = passwords.get(r.urn);
                if (pw === undefined) return r;
                return { ...r, outputs: { ...r.outputs, result: secret(pw), bcryptHash: secret(bcrypt.hashSync(pw, 10)) } };
            }),
        },
    };
}
