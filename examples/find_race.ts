/**
 * A race that FIFO order hides, found by a sweep of seeds, replayed from the
 * seed in its failure message, and fixed with a Lock.
 *
 * Two customers withdraw 80 from an account holding 100. `withdraw` checks
 * the balance, then awaits an audit-log write, then takes the money: a
 * check-then-act across a `yield*`. In FIFO order the first customer always
 * finishes before the second one checks, so the bug never shows; a seeded
 * schedule lets the second check run first in some orders, and the balance
 * goes negative.
 *
 * Run it: `deno run examples/find_race.ts` (the README's "Testing concurrent
 * code" walks through it; tests/testing/find_race.test.ts pins it).
 *
 * @module
 */

import { type Coro, createTask, Lock, sleep } from "../mod.ts";
import { exploreSeeds, runTest, type SeedFailure } from "../lib/testing/mod.ts";

/** The invariant the race breaks. */
export class Overdrawn extends Error {
  /**
   * @param balance What is left.
   * @param paid How many withdrawals went through.
   */
  constructor(balance: number, paid: number) {
    super(`balance went negative: ${balance} after ${paid} withdrawals of 80`);
    this.name = "Overdrawn";
  }
}

/** An account whose withdrawals check, await, then act. */
export class Account {
  balance: number;
  readonly audit: string[] = [];

  /** @param balance The opening balance. */
  constructor(balance: number) {
    this.balance = balance;
  }

  /** @returns Whether the money was paid out. */
  *withdraw(amount: number): Coro<boolean> {
    if (this.balance < amount) return false; // check…
    yield* this.record(`withdraw ${amount}`); // …await (another task may run here)…
    this.balance -= amount; // …act on a check that may be stale by now
    return true;
  }

  /** Stands in for real I/O: one loop iteration. */
  *record(entry: string): Coro<void> {
    yield* sleep(0);
    this.audit.push(entry);
  }
}

/** The fix: the check and the act happen under one lock, so no other withdrawal runs in between. */
export class LockedAccount extends Account {
  readonly #lock = new Lock();

  /** @returns Whether the money was paid out. */
  override *withdraw(amount: number): Coro<boolean> {
    return yield* this.#lock.hold(() => super.withdraw(amount));
  }
}

/** Two customers, the second one iteration behind the first; fails when the account is overdrawn. */
export function* twoCustomers(account: Account): Coro<number> {
  const alice = createTask(account.withdraw(80), { name: "alice" });
  yield* sleep(0);
  const bob = createTask(account.withdraw(80), { name: "bob" });
  const paid = [yield* alice, yield* bob].filter(Boolean).length;
  if (account.balance < 0) throw new Overdrawn(account.balance, paid);
  return account.balance;
}

/** The racy program, fresh for each run. */
export const racy = (): Coro<number> => twoCustomers(new Account(100));
/** The fixed program. */
export const fixed = (): Coro<number> => twoCustomers(new LockedAccount(100));

/** How many seeds the example (and its test) sweep. */
export const SEEDS = 200;

/** @returns The failures of `program` over seeds 1..SEEDS with every order shuffled. */
export async function sweep(program: () => Coro<number>): Promise<SeedFailure[]> {
  return (await exploreSeeds(program, { seeds: SEEDS, shuffle: "all" })).failures;
}

if (import.meta.main) {
  console.log(`FIFO order (what run() does): balance ${await runTest(racy, { seed: null })} — the test passes.`);
  const failures = await sweep(racy);
  console.log(`exploreSeeds over seeds 1..${SEEDS}: ${failures.length} fail.`);
  const [{ seed, error }] = failures;
  console.log(`The first failing seed is ${seed}: ${error.cause}`);
  console.log(`\nReplaying seed ${seed}:`);
  try {
    await runTest(racy, { seed, shuffle: "all" });
    console.log("it passed — that would be a bug in the replay");
  } catch (replayed) {
    console.log(String(replayed));
  }
  const afterFix = await sweep(fixed);
  console.log(`\nWith a Lock around check-and-act: ${afterFix.length} of ${SEEDS} seeds fail.`);
}
