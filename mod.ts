/**
 * yieldio: Python's asyncio for every JavaScript runtime — an explicit event
 * loop, futures, and cancellable tasks that drive generator coroutines
 * (`function*` + `yield*` is `async def` + `await`).
 *
 * @example Two tasks on virtual time
 * ```ts
 * import { assertEquals } from "@std/assert";
 * function* greet(name: string, ms: number) {
 *   yield* sleep(ms);
 *   return `hello, ${name}`;
 * }
 * const greetings = await run(function* () {
 *   const a = createTask(greet("a", 200));
 *   const b = createTask(greet("b", 100));
 *   return [yield* a, yield* b, getRunningLoop().time()];
 * }, { clock: "virtual" });
 * assertEquals(greetings, ["hello, a", "hello, b", 200]);
 * ```
 *
 * @module
 */

export {
  BrokenBarrierError,
  CancelledError,
  CannotBlockError,
  DeadlockError,
  ExceptionGroup,
  InvalidStateError,
  LookupError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
} from "./lib/errors.ts";
export { type ErrorClass, type ExceptionCondition, rethrowCancellation } from "./lib/errors.ts";
export { type Clock, PerformanceClock, VirtualClock } from "./lib/loop/clock.ts";
export { Context, ContextVar, type ContextVars, copyContext, Token } from "./lib/loop/context.ts";
export { type Callback, Handle, TimerHandle } from "./lib/loop/handle.ts";
export {
  BaseEventLoop,
  defaultExceptionHandler,
  type EventLoopOptions,
  type ExceptionContext,
} from "./lib/loop/base_event_loop.ts";
export type { BlockingIdleAdapter, HostIdleAdapter, IdleAdapter } from "./lib/loop/idle/adapter.ts";
export type { HostIdle } from "./lib/loop/idle/host_idle.ts";
export type { Instrument, InstrumentHook } from "./lib/loop/instruments.ts";
export type { ScheduleOptions, ShuffleMode } from "./lib/loop/schedule.ts";
export { AtomicsIdle } from "./lib/loop/idle/atomics.ts";
export { MessageChannelIdle } from "./lib/loop/idle/message_channel.ts";
export { SetImmediateIdle } from "./lib/loop/idle/set_immediate.ts";
export { SetTimeoutIdle } from "./lib/loop/idle/set_timeout.ts";
export { EventLoop, type SignalName, type TaskFactory } from "./lib/task/event_loop.ts";
export { type Awaitable, type DoneCallbackOptions, Future, type FutureOptions } from "./lib/task/future.ts";
export { Task, type TaskConstructorOptions, type TaskOptions } from "./lib/task/task.ts";
export { allTasks, createTask, currentTask, getRunningLoop } from "./lib/task/running_loop.ts";
export { ensureFuture } from "./lib/task/ensure_future.ts";
export { eagerTaskFactory } from "./lib/task/eager_task_factory.ts";
export { fromPromise } from "./lib/task/from_promise.ts";
export type { FromPromiseOptions } from "./lib/task/from_promise.ts";
export { sleep } from "./lib/task/sleep.ts";
export { type Main, run, Runner, type RunnerRunOptions, type RunOptions, runSync } from "./lib/task/runner.ts";
export type { Coro } from "./lib/task/yield_protocol.ts";
export { futureAddToAwaitedBy, futureDiscardFromAwaitedBy } from "./lib/task/awaited_by.ts";
export { Lock } from "./lib/sync/lock.ts";
export { Event } from "./lib/sync/event.ts";
export { Condition } from "./lib/sync/condition.ts";
export { BoundedSemaphore, Semaphore } from "./lib/sync/semaphore.ts";
export { Barrier } from "./lib/sync/barrier.ts";
export { Queue } from "./lib/sync/queue.ts";
export { PriorityQueue } from "./lib/sync/priority_queue.ts";
export { LifoQueue } from "./lib/sync/lifo_queue.ts";
export { asCompleted, type AsCompletedOptions } from "./lib/combinators/as_completed.ts";
export type { AsCompletedIterator } from "./lib/combinators/as_completed.ts";
export {
  gather,
  type GatherOptions,
  type GatherOutcomes,
  type GatherResults,
  type ResultOf,
} from "./lib/combinators/gather.ts";
export { shield } from "./lib/combinators/shield.ts";
export { staggeredRace, type StaggeredRaceResult } from "./lib/combinators/staggered_race.ts";
export { TaskGroup, taskGroup } from "./lib/combinators/task_group.ts";
export { Timeout, timeout, timeoutAt } from "./lib/combinators/timeout.ts";
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
  wait,
  type WaitOptions,
  type WaitResult,
} from "./lib/combinators/wait.ts";
export { waitFor } from "./lib/combinators/wait_for.ts";
export {
  type CallGraphOptions,
  captureCallGraph,
  formatCallGraph,
  type FutureCallGraph,
  printCallGraph,
} from "./lib/observe/call_graph.ts";
export {
  inspect,
  type InspectOptions,
  type InspectWarning,
  type LoopSnapshot,
  type TaskRow,
  type TaskSnapshot,
  type TimerSnapshot,
} from "./lib/observe/inspect.ts";
export { formatTaskTable } from "./lib/observe/task_table.ts";
export { formatTaskTree } from "./lib/observe/task_tree.ts";
export type { WakeHandle } from "./lib/loop/idle/adapter.ts";
