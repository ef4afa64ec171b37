// CommonJS, async handler: reports the context it was given.
exports.handler = async (event, context) => {
  console.log('cjs got', event);
  return {
    event,
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    memoryLimitInMB: context.memoryLimitInMB,
    invokedFunctionArn: context.invokedFunctionArn,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    clientContext: context.clientContext,
    identity: context.identity,
    remainingOk: context.getRemainingTimeInMillis() > 0 && context.getRemainingTimeInMillis() <= 60000,
    traceId: process.env._X_AMZN_TRACE_ID,
  };
};

exports.nothing = async () => undefined;

exports.fail = async () => {
  throw new TypeError('bad thing');
};

exports.failString = async () => {
  throw 'just a string';
};

exports.notAFunction = 42;

// Returns a body of event.size bytes: exercises large /response bodies.
exports.big = async (event) => ({ len: JSON.stringify(event).length, pad: 'x'.repeat(event.size || 0) });

// Who loaded this module: AWS's Node runtime require()s CommonJS handlers,
// so module.parent is the runtime's loader (import() would leave it unset).
exports.loadedBy = async () => (module.parent ? require('path').basename(module.parent.filename) : null);

// Logs at every console level, then marks the end.
exports.levels = async () => {
  console.trace('at trace');
  console.debug('at debug');
  console.info('at info');
  console.warn('at warn');
  console.error('at error');
  console.fatal('at fatal');
  process.stdout.write('levels done\n');
};

// Logs in several shapes, for the JSON log format; fails when asked.
exports.jsonlog = async (event) => {
  console.debug('hidden');
  console.info('hello', { a: 1 });
  console.log({ orderId: 7 });
  console.error('failed', new TypeError('bad'));
  process.stdout.write('plain write\n');
  if (event.fail) throw new RangeError('out of range');
};
