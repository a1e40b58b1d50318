/**
 * `deno task doc:lint` (run by `deno task check`): `deno doc --lint` over
 * every entry of deno.json's "exports", so every public symbol keeps a JSDoc
 * description and no public signature names a type the reference has no page
 * for. The entries come from deno.json (`_package.ts`): a new entry is linted
 * with no other edit.
 *
 * When a public declaration names a private type (`private-type-ref`), the
 * ways out, in the order to try them:
 *
 * - Stop naming it, where the name carries no information for a user: an
 *   `implements` clause that is only a compile-time check goes, and
 *   `tests/types/roles.test.ts` holds the class to the interface instead; a
 *   small private union is spelled out in the public signature.
 * - Export it from the entry with its own JSDoc, when users may
 *   legitimately name it (`HostIdle`, as a type only).
 * - `@ignore` it, when the declarations need it but a reader does not (a
 *   runtime base class such as `PrintsAsToString`, a phantom member that
 *   only carries type parameters). Never `@internal` for a type a public
 *   declaration names: the npm build's `stripInternal` would drop it and
 *   leave the declarations naming nothing. tsc finds that tag anywhere in
 *   a declaration's comment, prose included, so a comment explaining why a
 *   declaration is not internal must not spell the tag.
 *
 * @module
 */

import { readPackageInfo } from "./_package.ts";
import { ROOT } from "./_repo.ts";

async function main(): Promise<number> {
  const sources = (await readPackageInfo()).entries.map((entry) => entry.source);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...sources],
    cwd: ROOT,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  console.log(
    code === 0
      ? `deno doc --lint: no findings in the ${sources.length} entries (${sources.join(", ")})`
      : `deno doc --lint failed (exit code ${code}) on ${sources.join(", ")}`,
  );
  return code;
}

if (import.meta.main) {
  Deno.exit(await main());
}
