/**
 * The one way this project makes a password: a RandomPassword (alphanumeric, so it is safe in
 * URLs, connection strings and config files without quoting rules) whose result is a secret
 * Output from the start.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** A generated password, as a secret Output; `opts.parent` makes it a component's child. */
export function generatedPassword(name: string, opts?: pulumi.CustomResourceOptions, length = 32): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword(name, { length, special: false }, opts).result);
}

/** A generated password and its bcrypt hash (NATS configs hold only the hash), both secret. */
export function generatedPasswordWithHash(name: string, opts?: pulumi.CustomResourceOptions, length = 32): { password: pulumi.Output<string>; bcryptHash: pulumi.Output<string> } {
    const pw = new random.RandomPassword(name, { length, special: false }, opts);
    return { password: pulumi.secret(pw.result), bcryptHash: pulumi.secret(pw.bcryptHash) };
}

/** S3 root credentials of a server the stack runs: 20-character access key, 40-character secret. */
export function generatedRootKeys(name: string, opts?: pulumi.CustomResourceOptions): { accessKey: pulumi.Output<string>; secretKey: pulumi.Output<string> } {
    return { accessKey: generatedPassword(`${name}-access-key`, opts, 20), secretKey: generatedPassword(`${name}-secret-key`, opts, 40) };
}
