/** README's configuration reference is the one `npm run docs:config` generates from the schema: it cannot drift. */
import * as assert from "assert";
import * as fs from "fs";
import { README, withReference } from "../../tools/config-reference";

describe("README configuration reference", () => {
    it("is what the schema and the profile rows generate (run npm run docs:config after a config change)", () => {
        const readme = fs.readFileSync(README, "utf8");
        assert.strictEqual(readme, withReference(readme));
    });
});
