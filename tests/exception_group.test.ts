/**
 * ExceptionGroup (CPython's Lib/test/test_exception_group.py, the cases that
 * apply to JavaScript): construction checks, `split()` / `subgroup()` by
 * class, array of classes and predicate, nested groups kept nested, the
 * parts' message, cause and stack, and `derive()` in subclasses.
 *
 * Left out: BaseExceptionGroup vs ExceptionGroup (JavaScript has no
 * BaseException), `__notes__` and `__context__` (no JavaScript equivalent),
 * traceback line numbers, and "items must be exceptions" (JavaScript throws
 * any value). Python's ValueError is RangeError here, OSError SyntaxError.
 */

import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { ExceptionGroup } from "../mod.ts";
import { untyped } from "./task/_helpers.ts";

/**
 * A group's shape, as CPython's assertMatchesTemplate reads it: leaves as
 * `Name(message)`, groups as arrays; the group classes are checked apart.
 */
type Shape = string | Shape[];
function shape(error: unknown): Shape {
  if (error instanceof ExceptionGroup) return error.exceptions.map(shape);
  return `${(error as Error).name}(${(error as Error).message})`;
}

/** Every leaf of a group, depth first (PEP 654's leaf_generator). */
function leaves(error: unknown): unknown[] {
  if (error === null) return [];
  return error instanceof ExceptionGroup ? error.exceptions.flatMap(leaves) : [error];
}

/** CPython's create_simple_eg: three leaves, the first with a cause; the group has a cause too. */
function simpleGroup(): ExceptionGroup {
  return new ExceptionGroup("simple eg", [
    new RangeError("1", { cause: new Error("cause for RangeError(1)") }),
    new TypeError("int"),
    new RangeError("2"),
  ], { cause: "why the group" });
}

/** CPython's split_exception_group: splits and checks what must hold of every split. */
function checkedSplit(
  eg: ExceptionGroup,
  condition: Parameters<ExceptionGroup["split"]>[0],
): [ExceptionGroup | null, ExceptionGroup | null] {
  const [match, rest] = eg.split(condition);
  const sub = eg.subgroup(condition);
  assertEquals(leaves(match), leaves(sub)); // match and subgroup have the same leaves
  const matched = new Set(leaves(match));
  const others = new Set(leaves(rest));
  for (const leaf of leaves(eg)) assert(matched.has(leaf) !== others.has(leaf), "each leaf is in exactly one part");
  assertEquals(matched.size + others.size, leaves(eg).length);
  for (const part of [match, rest, sub]) {
    if (part === null) continue;
    assertEquals([part.message, part.cause, part.stack], [eg.message, eg.cause, eg.stack]);
  }
  return [match, rest];
}

Deno.test("the constructor refuses a non-string message, a non-array and an empty array", () => {
  assertThrows(() => new ExceptionGroup(untyped(new RangeError("12")), [new SyntaxError("bad")]), TypeError, "message");
  assertThrows(() => new ExceptionGroup(untyped(null), [new Error()]), TypeError, "null");
  assertThrows(() => new ExceptionGroup("not an array", untyped(new Set([new Error()]))), TypeError, "a Set object");
  assertThrows(() => new ExceptionGroup("eg", untyped(null)), TypeError, "null");
  assertThrows(() => new ExceptionGroup("eg", []), RangeError, "at least one error");
});

Deno.test("a subclass constructs its own type; the fields are the message and a frozen copy of the errors", () => {
  class MyGroup extends ExceptionGroup {}
  const errors = [new RangeError("12"), new TypeError("42")];
  const group = new MyGroup("eg", errors);
  assertEquals([group.constructor, group.message, group.exceptions, group.exceptions === errors], [
    MyGroup,
    "eg",
    errors,
    false,
  ]);
  assert(Object.isFrozen(group.exceptions));
  assertThrows(() => (group.exceptions as unknown[]).push(new Error()), TypeError);
});

Deno.test("subgroup() and split() refuse what is not a condition", () => {
  class NotAnError {}
  const bad = ["bad arg", NotAnError, new SyntaxError("instance not type"), [SyntaxError, 42], 42, null];
  const eg = simpleGroup();
  for (const arg of bad) {
    assertThrows(() => eg.subgroup(untyped(arg)), TypeError);
    assertThrows(() => eg.split(untyped(arg)), TypeError);
  }
  assertThrows(() => eg.split(untyped(NotAnError)), TypeError, "a class that does not extend Error");
  assertThrows(() => eg.split(untyped([SyntaxError, 42])), TypeError, "42 (a number) at index 1");
});

Deno.test("subgroup() by a class that the group itself matches returns the group itself", () => {
  const eg = simpleGroup();
  for (const cls of [Error, AggregateError, ExceptionGroup]) assertStrictEquals(eg.subgroup(cls), eg);
});

Deno.test("subgroup() by class: no match is null; a match keeps the message, in the leaves' order", () => {
  const eg = simpleGroup();
  assertEquals(eg.subgroup(SyntaxError), null);
  const cases: [Parameters<ExceptionGroup["subgroup"]>[0], Shape][] = [
    [RangeError, ["RangeError(1)", "RangeError(2)"]],
    [TypeError, ["TypeError(int)"]],
    [[RangeError, TypeError], ["RangeError(1)", "TypeError(int)", "RangeError(2)"]],
  ];
  for (const [condition, expected] of cases) {
    const sub = eg.subgroup(condition)!;
    assertEquals([sub.constructor, sub.message, shape(sub)], [ExceptionGroup, "simple eg", expected]);
  }
});

Deno.test("subgroup() by predicate: a function, a method or a bound method; true for all returns the group", () => {
  const eg = simpleGroup();
  const callables = (f: (e: unknown) => boolean) => {
    const holder = {
      f,
      method(e: unknown) {
        return this.f(e);
      },
    };
    return [f, function (e: unknown) {
      return f(e);
    }, holder.method.bind(holder)];
  };
  for (const c of callables(() => true)) assertStrictEquals(eg.subgroup(c), eg);
  for (const c of callables(() => false)) assertEquals(eg.subgroup(c), null);
  for (const c of callables((e) => e instanceof RangeError)) {
    assertEquals(shape(eg.subgroup(c)), ["RangeError(1)", "RangeError(2)"]);
  }
});

Deno.test("the predicate sees every group, then every leaf, depth first", () => {
  const inner = new ExceptionGroup("inner", [new TypeError("b")]);
  const eg = new ExceptionGroup("outer", [new RangeError("a"), inner]);
  const seen: unknown[] = [];
  eg.split((e) => {
    seen.push(e instanceof ExceptionGroup ? e.message : shape(e));
    return false;
  });
  assertEquals(seen, ["outer", "RangeError(a)", "inner", "TypeError(b)"]);
});

Deno.test("split() by class: everything, nothing, or a match and a rest that both keep the group's message", () => {
  const eg = simpleGroup();
  const all = ["RangeError(1)", "TypeError(int)", "RangeError(2)"];
  for (const cls of [Error, AggregateError, ExceptionGroup]) {
    const [match, rest] = checkedSplit(eg, cls);
    assertStrictEquals(match, eg);
    assertEquals(rest, null);
  }
  const [none, everything] = checkedSplit(eg, SyntaxError);
  assertEquals([none, shape(everything)], [null, all]);
  const cases: [Parameters<ExceptionGroup["split"]>[0], Shape, Shape | null][] = [
    [RangeError, ["RangeError(1)", "RangeError(2)"], ["TypeError(int)"]],
    [TypeError, ["TypeError(int)"], ["RangeError(1)", "RangeError(2)"]],
    [[RangeError, TypeError], all, null],
    [[SyntaxError, RangeError], ["RangeError(1)", "RangeError(2)"], ["TypeError(int)"]],
  ];
  for (const [condition, matchShape, restShape] of cases) {
    const [match, rest] = checkedSplit(eg, condition);
    assertEquals([shape(match), rest === null ? null : shape(rest)], [matchShape, restShape]);
    assertEquals([match?.constructor, rest?.constructor ?? ExceptionGroup], [ExceptionGroup, ExceptionGroup]);
  }
});

Deno.test("split() by predicate: all, none, or a part", () => {
  const eg = simpleGroup();
  const [all, noRest] = checkedSplit(eg, () => true);
  assertEquals([all, noRest], [eg, null]);
  const [noMatch, rest] = checkedSplit(eg, () => false);
  assertEquals([noMatch, shape(rest)], [null, ["RangeError(1)", "TypeError(int)", "RangeError(2)"]]);
  const [types, others] = checkedSplit(eg, (e) => e instanceof TypeError);
  assertEquals([shape(types), shape(others)], [["TypeError(int)"], ["RangeError(1)", "RangeError(2)"]]);
});

Deno.test("leaves keep their own cause; the parts get the group's cause, or none when it had none", () => {
  const eg = simpleGroup();
  const [ranges] = eg.split(RangeError);
  assertEquals((ranges!.exceptions[0] as Error).cause, new Error("cause for RangeError(1)"));
  assertStrictEquals(ranges!.exceptions[0], eg.exceptions[0]);
  const plain = new ExceptionGroup("no cause", [new RangeError("1"), new TypeError("2")]);
  const [match, rest] = plain.split(TypeError);
  assertEquals([Object.hasOwn(match!, "cause"), Object.hasOwn(rest!, "cause")], [false, false]);
});

/** CPython's test_split_by_type: three levels, a subclass in the middle, leaves of two kinds. */
Deno.test("split() of nested groups keeps the nesting; a matching inner group is taken whole", () => {
  class MyGroup extends ExceptionGroup {}
  const level1 = (i: number) =>
    new ExceptionGroup("msg1", [new RangeError(`${i}`), new TypeError("int"), new RangeError(`${i + 1}`)]);
  const level2 = (i: number) => new MyGroup("msg2", [level1(i), level1(i + 1), new RangeError(`${i + 2}`)]);
  const eg = new ExceptionGroup("msg3", [level2(6), new RangeError("7")], { cause: new Error("note") });

  const egShape = [
    [
      ["RangeError(6)", "TypeError(int)", "RangeError(7)"],
      ["RangeError(7)", "TypeError(int)", "RangeError(8)"],
      "RangeError(8)",
    ],
    "RangeError(7)",
  ];
  const rangeShape = [
    [["RangeError(6)", "RangeError(7)"], ["RangeError(7)", "RangeError(8)"], "RangeError(8)"],
    "RangeError(7)",
  ];
  const typeShape = [[["TypeError(int)"], ["TypeError(int)"]]];
  assertEquals(shape(eg), egShape);

  const [nothing, unchanged] = checkedSplit(eg, SyntaxError);
  assertEquals([nothing, shape(unchanged)], [null, egShape]);
  for (const everything of [Error, [RangeError, TypeError]] as const) {
    const [match, rest] = checkedSplit(eg, everything);
    assertEquals([shape(match), rest], [egShape, null]);
  }
  const [ranges, types] = checkedSplit(eg, RangeError);
  assertEquals([shape(ranges), shape(types)], [rangeShape, typeShape]);
  const [types2, ranges2] = checkedSplit(eg, [TypeError, SyntaxError]);
  assertEquals([shape(types2), shape(ranges2)], [typeShape, rangeShape]);

  const [whole, none] = eg.split(ExceptionGroup);
  assertEquals([whole === eg, none], [true, null]);
  const [mine, rest] = eg.split(MyGroup);
  assertEquals([shape(mine), shape(rest)], [[egShape[0]], [egShape[1]]]);
  assertStrictEquals(mine!.exceptions[0], eg.exceptions[0]); // taken whole, not rebuilt
});

Deno.test("a subclass without derive() splits into plain ExceptionGroups", () => {
  class MyGroup extends ExceptionGroup {}
  const eg = new MyGroup("eg", [new RangeError("1"), new MyGroup("nested", [new TypeError("2")])]);
  const [ranges, types] = checkedSplit(eg, RangeError);
  assertEquals([ranges!.constructor, shape(ranges)], [ExceptionGroup, ["RangeError(1)"]]);
  assertEquals([types!.constructor, types!.exceptions[0]!.constructor, shape(types)], [
    ExceptionGroup,
    ExceptionGroup,
    [["TypeError(2)"]],
  ]);
  const [nothing, rest] = checkedSplit(eg, SyntaxError);
  assertEquals([nothing, rest!.constructor, shape(rest)], [null, ExceptionGroup, ["RangeError(1)", ["TypeError(2)"]]]);
});

Deno.test("a subclass with a constructor of its own and derive() keeps its type and fields at every level", () => {
  class CodedGroup extends ExceptionGroup {
    constructor(message: string, errors: readonly unknown[], readonly code: number) {
      super(message, errors);
    }
    override derive(errors: readonly unknown[]): CodedGroup {
      return new CodedGroup(this.message, errors, this.code);
    }
  }
  const eg = new CodedGroup("eg", [new RangeError("1"), new CodedGroup("nested", [new TypeError("2")], 101)], 42);
  const codes = (g: ExceptionGroup | null): unknown =>
    g === null ? null : [(g as CodedGroup).code, ...g.exceptions.filter((e) => e instanceof CodedGroup).map(codes)];

  const [nothing, rest] = checkedSplit(eg, SyntaxError);
  assertEquals([nothing, rest!.constructor, shape(rest), codes(rest)], [null, CodedGroup, shape(eg), [42, [101]]]);
  const [ranges, types] = checkedSplit(eg, RangeError);
  assertEquals([ranges!.constructor, shape(ranges), codes(ranges)], [CodedGroup, ["RangeError(1)"], [42]]);
  assertEquals([types!.constructor, shape(types), codes(types)], [CodedGroup, [["TypeError(2)"]], [42, [101]]]);
  const [all, none] = checkedSplit(eg, [RangeError, TypeError]);
  assertEquals([shape(all), codes(all), none], [shape(eg), [42, [101]], null]);
});

Deno.test("derive() that returns something other than an ExceptionGroup is a TypeError", () => {
  class BadGroup extends ExceptionGroup {
    override derive(): ExceptionGroup {
      return untyped(42);
    }
  }
  const eg = new BadGroup("eg", [new TypeError("1"), new RangeError("2")]);
  assertThrows(() => eg.split(TypeError), TypeError, "derive() must return an ExceptionGroup, got 42 (a number)");
  assertThrows(() => eg.subgroup(TypeError), TypeError, "derive() must return an ExceptionGroup");
});

Deno.test("an AggregateError that is not an ExceptionGroup is a leaf, not walked into", () => {
  const aggregate = new AggregateError([new TypeError("inside")], "plain aggregate");
  const eg = new ExceptionGroup("eg", [aggregate, new TypeError("outside")]);
  const [types, rest] = eg.split(TypeError);
  assertEquals(types!.exceptions, [eg.exceptions[1]]);
  assertStrictEquals(rest!.exceptions[0], aggregate);
  const plain = eg.subgroup((e) => e instanceof AggregateError && !(e instanceof ExceptionGroup));
  assertEquals([plain?.constructor, plain?.exceptions], [ExceptionGroup, [aggregate]]);
});
