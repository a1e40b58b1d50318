// npm "postinstall": point node_modules/.bin/deno back at the deno package's
// declared bin, bin.cjs (a small Node script that runs the native binary).
//
// Why: the deno package's own postinstall relinks .bin/deno straight to the
// native binary to save a Node start-up, but `deno task` (2.9.6) runs every
// node_modules/.bin entry as a JavaScript file (`deno run --ext=js`), so
// inside any task `deno fmt`, `deno test`, ... die with "SyntaxError: Invalid
// or unexpected token" (the ELF header). Through bin.cjs, `deno` works both
// from npm scripts and inside deno tasks, for a few ms per call.
import { existsSync, readlinkSync, symlinkSync, unlinkSync } from "node:fs";

const BIN = "node_modules/.bin/deno";
const TARGET = "../deno/bin.cjs";

if (process.platform !== "win32" && existsSync("node_modules/deno/bin.cjs")) {
  let current = null;
  try {
    current = readlinkSync(BIN);
  } catch {
    // Missing, or a plain file: replace it either way.
  }
  if (current !== TARGET) {
    if (existsSync(BIN) || current !== null) unlinkSync(BIN);
    symlinkSync(TARGET, BIN);
    console.log(`relinked ${BIN} -> ${TARGET} (so deno tasks can call deno)`);
  }
}
