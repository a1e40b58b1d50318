// The Chromium stage's choice of browser (tests/_harness/_chromium.ts), decided
// from facts about the machine given here, so every case runs on any machine
// without installing or removing a browser.
import { assertEquals, assertStringIncludes } from "@std/assert";
import { APT_INSTALL, CHROMIUM_ENV, type ChromiumHost, DEBIAN_CHROMIUM, planChromium } from "../_harness/_chromium.ts";

function host(facts: Partial<ChromiumHost> & { files?: string[] }): ChromiumHost {
  const files = new Set(facts.files ?? []);
  return {
    os: "linux",
    debian: true,
    root: true,
    aptGet: true,
    ...facts,
    exists: (path) => files.has(path),
  };
}

function missingMessage(facts: Partial<ChromiumHost> & { files?: string[] }): string {
  const plan = planChromium(host(facts));
  if (plan.action !== "missing") throw new Error(`expected no browser, got ${JSON.stringify(plan)}`);
  return plan.message;
}

Deno.test("YIELDIO_CHROMIUM names the browser, before Debian's", () => {
  const plan = planChromium(host({ envPath: "/opt/chrome/chrome", files: ["/opt/chrome/chrome", DEBIAN_CHROMIUM] }));
  assertEquals(plan, { action: "use", path: "/opt/chrome/chrome" });
});

Deno.test("a YIELDIO_CHROMIUM that names no file is an error that says so, never an install", () => {
  const message = missingMessage({ envPath: "/nowhere/chrome" });
  assertStringIncludes(message, `${CHROMIUM_ENV} is /nowhere/chrome, but there is no file there`);
});

Deno.test("Debian's /usr/bin/chromium is used when it is there", () => {
  assertEquals(planChromium(host({ files: [DEBIAN_CHROMIUM] })), { action: "use", path: DEBIAN_CHROMIUM });
});

Deno.test("a Chrome in a well-known place is used when Debian's is missing", () => {
  assertEquals(
    planChromium(host({ debian: false, files: ["/usr/bin/google-chrome-stable"] })),
    { action: "use", path: "/usr/bin/google-chrome-stable" },
  );
  const mac = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
  assertEquals(planChromium(host({ os: "darwin", debian: false, files: [mac] })), { action: "use", path: mac });
});

Deno.test("Debian as root with apt-get installs Debian's chromium package", () => {
  assertEquals(planChromium(host({})), { action: "install", path: DEBIAN_CHROMIUM, commands: [...APT_INSTALL] });
  assertEquals(APT_INSTALL, [["apt-get", "update"], [
    "apt-get",
    "install",
    "-y",
    "--no-install-recommends",
    "chromium",
  ]]);
});

Deno.test("Debian without root says to install with sudo and how to point the suite at the browser", () => {
  const message = missingMessage({ root: false });
  assertStringIncludes(message, "found none (looked at /usr/bin/chromium, /usr/bin/chromium-browser");
  assertStringIncludes(message, "`sudo apt-get install -y chromium`");
  assertStringIncludes(message, `${CHROMIUM_ENV}=$(command -v chromium`);
});

Deno.test("another Linux names the package managers to use, and the variable", () => {
  const message = missingMessage({ debian: false, aptGet: false });
  assertStringIncludes(message, "`sudo dnf install chromium` (Fedora)");
  assertStringIncludes(message, `${CHROMIUM_ENV}=`);
});

Deno.test("macOS and Windows say what to install and where the executable is", () => {
  const mac = missingMessage({ os: "darwin", debian: false, root: false, aptGet: false });
  assertStringIncludes(mac, "`brew install --cask chromium`");
  assertStringIncludes(mac, `${CHROMIUM_ENV}="/Applications/Chromium.app/Contents/MacOS/Chromium" npm test`);
  const windows = missingMessage({ os: "windows", debian: false, root: false, aptGet: false });
  assertStringIncludes(windows, `$env:${CHROMIUM_ENV} = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"`);
});

Deno.test("root on a Debian without apt-get is not sent to apt-get", () => {
  const message = missingMessage({ aptGet: false });
  assertStringIncludes(message, "apt-get is missing here");
});
