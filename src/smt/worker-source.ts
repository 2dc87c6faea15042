/**
 * The body of a solver worker thread, kept as source text and started with
 * `new Worker(source, { eval: true })`: an eval worker needs no compiled `.js` file next
 * to this module, so the same code runs under tsx, vitest and the built package.
 *
 * Protocol: the parent sends `{ id, script, timeoutMs, logic, read }`; the worker answers
 * `{ id, status, model, reason, durationMs }` where `model` maps each constant in `read`
 * to its SMT-LIB value text. One Z3 context per worker: the WASM build serialises all
 * queries of one thread, so parallelism comes from more workers.
 */
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { init } = require(workerData.z3Path);

async function main() {
  const api = await init();
  if (workerData.memoryMaxMb) api.setParam('memory_max_size', String(workerData.memoryMaxMb));
  // A fresh context per query: a long-lived one carries solver state from query to query
  // (measured: the same string query took 0.2 s or 2.6 s depending on what ran before).
  // This build never frees a context (not even after a forced collection), so the pool
  // retires a worker after a number of queries instead.
  // The first queries of a fresh worker pay for lazy setup (up to a second): pay it now.
  for (const script of workerData.warmUp) {
    await answer(new api.Context('nsgen'), { id: 0, script, timeoutMs: 5000, logic: '', read: [] }, false);
  }
  parentPort.postMessage({ ready: true });
  let queue = Promise.resolve();
  parentPort.on('message', (message) => {
    queue = queue.then(() => answer(new api.Context('nsgen'), message, true));
  });
}

// Z3's default solver for a logic runs a portfolio of preprocessing tactics first; for
// the small, if-then-else heavy queries of symbolic execution this plain pipeline
// measured 3-5x faster (strings included), and it honours the timeout the same way.
function pipeline(ctx) {
  return ctx
    .AndThen(
      new ctx.Tactic('simplify'),
      new ctx.Tactic('propagate-values'),
      new ctx.Tactic('solve-eqs'),
      new ctx.Tactic('smt'),
    )
    .solver();
}

async function answer(ctx, message, reply) {
  const started = Date.now();
  let solver;
  try {
    solver = message.logic ? new ctx.Solver(message.logic) : pipeline(ctx);
    solver.set('timeout', message.timeoutMs);
    solver.fromString(message.script);
    const status = await solver.check();
    let model;
    let reason;
    if (status === 'sat') {
      model = {};
      const found = solver.model();
      // Evaluate only the constants asked for: printing the whole model (or every
      // declaration in it) expands eliminated definitions and was measured at ~1 s
      // (hundreds of KB) for queries that solve in 50 ms.
      for (const { name, sort } of message.read) {
        const constant = ctx[sort].const(name);
        model[name] = found.eval(constant, true).sexpr();
      }
      found.release?.();
    } else if (status === 'unknown') {
      reason = solver.reasonUnknown();
    }
    if (reply) parentPort.postMessage({ id: message.id, status, model, reason, durationMs: Date.now() - started });
  } catch (error) {
    if (reply) parentPort.postMessage({
      id: message.id,
      status: 'error',
      reason: String((error && error.message) || error),
      durationMs: Date.now() - started,
    });
  } finally {
    solver?.release?.();
  }
}

main().catch((error) => {
  parentPort.postMessage({ fatal: String((error && error.stack) || error) });
});
`;
