/**
 * How yieldio names a value in text: in error messages ("expected X, got
 * Y" — every one uses {@linkcode describeValue}, so the "got" part reads the
 * same everywhere) and inside printed objects (`<Future finished result=42>`).
 *
 * @module
 */

/** @returns e.g. `42 (a number)`, `a Promise`, `a generator function main`, `undefined`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case "number":
    case "bigint":
    case "boolean":
      return `${String(value)} (a ${typeof value})`;
    case "string":
      return `${JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value)} (a string)`;
    case "symbol":
      return `${String(value)} (a symbol)`;
    case "function": {
      const name = value.name === "" ? "" : ` ${value.name}`;
      const kind = Object.prototype.toString.call(value).slice(8, -1);
      if (kind === "GeneratorFunction") return `a generator function${name}`;
      if (kind === "AsyncFunction") return `an async function${name}`;
      return `a function${name}`;
    }
  }
  const own = (value as object).toString;
  if (typeof own === "function" && own !== Object.prototype.toString) {
    const text = String(value);
    if (text.startsWith("<")) return text; // yieldio objects (futures, tasks, handles) print themselves
  }
  if (typeof (value as PromiseLike<unknown>).then === "function") return "a Promise";
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (tag === "Generator") return "a generator object";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const ctor = (value as object).constructor;
  return typeof ctor === "function" && ctor.name !== "" && ctor.name !== "Object"
    ? `a ${ctor.name} object`
    : "an object";
}

/** A value as it appears inside a printed future or task (`result=…`): short, one line. */
export function formatShort(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`.slice(0, 80);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value);
  if (typeof value === "object" && value !== null) {
    const text = String(value);
    return text.startsWith("<") ? text : Array.isArray(value) ? `[array(${value.length})]` : "[object]";
  }
  return String(value);
}
