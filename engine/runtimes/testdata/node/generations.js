// Handlers whose answer depends on the runtime generation: nodejs22.x and
// earlier run AWS's classic runtime client, nodejs24.x and later its rewrite.

// A value returned without a promise: the classic client ignores it (the
// answer is null once the event loop empties); the rewrite returns it.
exports.syncValue = (event) => ({ sync: true, event });

// A callback never called: null once the event loop empties (classic).
exports.neverCalls = (event, context, callback) => {
  console.log('forgot the callback');
};

// An async handler that never settles: Runtime.NodeJsExit (classic), and the
// worker goes on serving.
exports.neverSettles = async () => new Promise(() => {});

// context.succeed and callback(err) answer at once, whatever is still
// scheduled: the interval would keep the event loop busy forever.
exports.succeedsBusy = (event, context) => {
  exports.timer ??= setInterval(() => {}, 1000);
  context.succeed({ succeeded: true });
};

exports.failsBusy = (event, context, callback) => {
  exports.timer ??= setInterval(() => {}, 1000);
  callback(new Error('failed at once'));
};

// callback(null, result) waits for the event loop to empty: the timer's
// line is logged before the answer.
exports.waitsForTimer = (event, context, callback) => {
  setTimeout(() => console.log('timer ran'), 20);
  callback(null, { waited: true });
};

// What the context offers: the rewrite drops the callback methods and adds
// the trace id and w3c().
exports.contextShape = async (event, context) => ({
  done: typeof context.done,
  succeed: typeof context.succeed,
  waits: typeof context.callbackWaitsForEmptyEventLoop,
  xRayTraceId: context.xRayTraceId ?? null,
  w3c: typeof context.w3c === 'function' ? context.w3c() : null,
  clientContext: context.clientContext ?? null,
});

// A rejection nobody handles, with an Error as its reason.
exports.rejects = async () => {
  Promise.reject(new Error('nobody caught this'));
  return new Promise(() => {});
};

// Logs an Error as the first of several console arguments.
exports.logsError = async () => {
  console.error(new TypeError('first argument'), 'and more');
  return 'logged';
};

// Fails with a string, which the runtime logs as an Error.
exports.failsString = (event, context, callback) => callback('plain string failure');
