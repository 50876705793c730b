// pg-boss's `delay` (src/tools.js) requires node:timers/promises afresh on every call. Its
// offWork monitors call it once a second until their workers have stopped; one that is still
// waiting when Jest tears a test file's module registry down gets `undefined` from that require
// and throws, failing whichever file is running then (a "Test suite failed to run" with every
// test green). The app's own shutdown waits for its handlers (QueueService.settled), but a
// worker caught in a fetch can outlast it on a loaded machine. So, in tests only, pg-boss gets
// a `delay` with the same behaviour whose timers module is taken once, here, before pg-boss
// loads (its modules destructure `delay` when they load). Production runs pg-boss unchanged.
const timers = require('node:timers/promises');
const tools = require('pg-boss/src/tools.js');

tools.delay = function delay(ms, error) {
  const ac = new AbortController();
  const promise = new Promise((resolve, reject) => {
    timers
      .setTimeout(ms, null, { signal: ac.signal })
      .then(() => (error ? reject(new Error(error)) : resolve()))
      .catch(resolve);
  });
  promise.abort = () => {
    if (!ac.signal.aborted) ac.abort();
  };
  return promise;
};
