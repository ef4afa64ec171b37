// Callback-style handlers.
exports.handler = (event, context, callback) => {
  setImmediate(() => callback(null, { callback: true }));
};

// Waits for the event loop to drain: the response follows the late timer.
exports.waits = (event, context, callback) => {
  callback(null, { waited: true });
  setTimeout(() => console.log('late timer fired'), 150);
};

// Does not wait: a live interval must not hold the response back.
exports.nowait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  const t = setInterval(() => {}, 1000);
  callback(null, { nowait: true });
  exports.timer = t;
};

exports.fails = (event, context, callback) => {
  callback(new Error('callback error'));
};

// Throws outside the handler's promise chain: the runtime reports the error
// for the running invocation and exits, as the AWS runtime does.
exports.uncaught = () => {
  setTimeout(() => {
    throw new Error('async boom');
  }, 0);
  return new Promise(() => {});
};
