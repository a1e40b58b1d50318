/**
 * How this repository finds and starts headless Chromium, shared by the test
 * suite's Chromium stage and the benchmark's idle-latency scenario.
 *
 * Which browser: `$YIELDIO_CHROMIUM` when set (any Chromium or Google Chrome
 * executable), else Debian's /usr/bin/chromium, else the first of a few
 * well-known places. When none is there, {@linkcode planChromium} decides:
 * Debian as root installs Debian's chromium package with apt-get (so a clean
 * container needs nothing by hand); anywhere else the stage stops and says
 * what to install and how to point the suite at it.
 *
 * @module
 */

/** Where Debian's chromium package puts the browser. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** The variable that names the browser executable to use. */
export const CHROMIUM_ENV = "YIELDIO_CHROMIUM";

/** The browser this process uses by default: `$YIELDIO_CHROMIUM`, else Debian's. */
export const CHROMIUM_PATH: string = Deno.env.get(CHROMIUM_ENV) || DEBIAN_CHROMIUM;

/** Places a Chromium or Chrome is often installed, by `Deno.build.os`, looked at when the default is missing. */
export const KNOWN_CHROMIUMS: Readonly<Record<string, readonly string[]>> = {
  linux: [
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome-stable",
    "/usr/bin/google-chrome",
    "/snap/bin/chromium",
  ],
  darwin: [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  ],
  windows: [
    "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
  ],
};

/** What {@linkcode planChromium} needs to know about the machine. */
export interface ChromiumHost {
  /** `Deno.build.os`. */
  os: string;
  /** `$YIELDIO_CHROMIUM`, if set and not empty. */
  envPath?: string;
  /** Whether a file exists at `path`. */
  exists(path: string): boolean;
  /** Whether /etc/debian_version exists (Debian, Ubuntu and their kin). */
  debian: boolean;
  /** Whether this process runs as root. */
  root: boolean;
  /** Whether apt-get is on PATH. */
  aptGet: boolean;
}

/** What to do about the browser. */
export type ChromiumPlan =
  | { action: "use"; path: string }
  | { action: "install"; path: string; commands: string[][] }
  | { action: "missing"; message: string };

/** The commands that install Debian's chromium package, without questions. */
export const APT_INSTALL: readonly string[][] = [
  ["apt-get", "update"],
  ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
];

function howToInstall(host: ChromiumHost): string {
  if (host.os === "darwin") {
    return "Install Chromium (`brew install --cask chromium`) or Google Chrome, then run\n" +
      `  ${CHROMIUM_ENV}="/Applications/Chromium.app/Contents/MacOS/Chromium" npm test`;
  }
  if (host.os === "windows") {
    return "Install Google Chrome (or Chromium), then run, in PowerShell,\n" +
      `  $env:${CHROMIUM_ENV} = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"; npm test`;
  }
  const install = host.debian
    ? host.root
      ? "`apt-get install -y chromium` (apt-get is missing here)"
      : "`sudo apt-get install -y chromium` (or run `npm test` as root, which installs it)"
    : "your package manager: `sudo dnf install chromium` (Fedora), `sudo pacman -S chromium` (Arch), " +
      "`sudo zypper install chromium` (openSUSE), `apk add chromium` (Alpine)";
  return `Install Chromium with ${install}, or use Google Chrome; then, if it is not at ${DEBIAN_CHROMIUM}, run\n` +
    `  ${CHROMIUM_ENV}=$(command -v chromium || command -v chromium-browser || command -v google-chrome) npm test`;
}

/**
 * Decides which browser the Chromium stage uses, or whether it installs one
 * or stops with instructions. Pure: the facts come in `host`.
 * @returns The plan.
 */
export function planChromium(host: ChromiumHost): ChromiumPlan {
  if (host.envPath !== undefined) {
    return host.exists(host.envPath) ? { action: "use", path: host.envPath } : {
      action: "missing",
      message: `${CHROMIUM_ENV} is ${host.envPath}, but there is no file there. Point it at a Chromium or ` +
        "Google Chrome executable, or unset it to use Debian's /usr/bin/chromium.",
    };
  }
  if (host.exists(DEBIAN_CHROMIUM)) return { action: "use", path: DEBIAN_CHROMIUM };
  const known = (KNOWN_CHROMIUMS[host.os] ?? []).find((path) => host.exists(path));
  if (known !== undefined) return { action: "use", path: known };
  if (host.os === "linux" && host.debian && host.root && host.aptGet) {
    return { action: "install", path: DEBIAN_CHROMIUM, commands: APT_INSTALL.map((command) => [...command]) };
  }
  return {
    action: "missing",
    message: `The Chromium stage needs a Chromium or Google Chrome, and found none (looked at ${DEBIAN_CHROMIUM}` +
      `${(KNOWN_CHROMIUMS[host.os] ?? []).map((path) => `, ${path}`).join("")}).\n${howToInstall(host)}`,
  };
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}

function onPath(command: string): boolean {
  const separator = Deno.build.os === "windows" ? ";" : ":";
  return (Deno.env.get("PATH") ?? "").split(separator).some((dir) => dir !== "" && fileExists(`${dir}/${command}`));
}

/** @returns The facts about this machine that {@linkcode planChromium} takes. */
export function thisHost(): ChromiumHost {
  return {
    os: Deno.build.os,
    envPath: Deno.env.get(CHROMIUM_ENV) || undefined,
    exists: fileExists,
    debian: fileExists("/etc/debian_version"),
    root: Deno.uid() === 0,
    aptGet: onPath("apt-get"),
  };
}

/** Flags for a quiet headless run in a container: no sandbox, GPU, background network or first-run work. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--js-flags=--expose-gc",
];

/** Responses that make a page cross-origin isolated: SharedArrayBuffer, and `Atomics.wait` in its workers. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Whether the browser is installed at {@linkcode CHROMIUM_PATH} (`$YIELDIO_CHROMIUM`, else Debian's). */
export async function chromiumInstalled(): Promise<boolean> {
  try {
    await Deno.stat(CHROMIUM_PATH);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
