// ES module streaming handlers, written as for AWS's Node.js runtime: the
// awslambda global exists while this module loads.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import http from 'node:http';

// Streams a greeting in two writes, logging in between.
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType('text/plain');
  responseStream.write(`hello ${event.name}`);
  console.log('streaming for', context.awsRequestId);
  responseStream.write(', bye');
  responseStream.end();
});

// No setContentType: the default content type.
export const octets = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write(Buffer.from([0, 1, 2]));
  responseStream.end();
});

// A function URL response: the prelude, then the body.
export const url = awslambda.streamifyResponse(async (_event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { 'x-custom': 'yes' },
    cookies: ['a=1'],
  });
  stream.write('<p>');
  stream.end('made</p>');
});

// Reports the context and stream it was given, as JSON.
export const context = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType('application/json');
  responseStream.write(JSON.stringify({
    event,
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    invokedFunctionArn: context.invokedFunctionArn,
    remainingOk: context.getRemainingTimeInMillis() > 0 && context.getRemainingTimeInMillis() <= 60000,
    traceId: process.env._X_AMZN_TRACE_ID,
    writable: responseStream.writable,
    highWaterMark: responseStream.writableHighWaterMark,
  }));
  responseStream.end();
});

// Declares its own high water mark.
export const watermark = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.end(String(responseStream.writableHighWaterMark));
}, { highWaterMark: 1234 });

// Resolves first and ends its stream afterwards, as a pipeline left running does.
export const endsLater = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('now, ');
  setImmediate(() => responseStream.end('later'));
});

// Resolves without ever ending its stream.
export const neverEnds = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('forever');
});

// Fails after part of the body went out.
export const midFail = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('partial');
  await new Promise((resolve) => setImmediate(resolve));
  throw new RangeError('mid-stream boom');
});

// Fails before writing anything.
export const early = awslambda.streamifyResponse(async () => {
  throw new TypeError('early boom');
});

// Pipes a source that fails: the stream is destroyed with the source's error.
export const pipeFail = awslambda.streamifyResponse(async (_event, responseStream) => {
  const source = new Readable({ read() {} });
  source.push('some ');
  setImmediate(() => source.destroy(new SyntaxError('source broke')));
  await pipeline(source, responseStream);
});

// Sets the content type after writing: too late.
export const lateType = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('x');
  responseStream.setContentType('text/plain');
});

// Not async: AWS refuses to stream from it.
export const notAsync = awslambda.streamifyResponse((_event, responseStream) => {
  responseStream.write('sync');
});

// Fails after ending its stream: the response stands, the error is logged.
export const endThenThrow = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.end('done');
  throw new Error('too late to matter');
});

// Fails right after writes the stream may still hold: they go out first.
export const writesThenThrow = awslambda.streamifyResponse(async (_event, responseStream) => {
  for (let i = 0; i < 64; i++) responseStream.write('y'.repeat(4096));
  throw new EvalError('after 64 writes');
});

// Throws outside the handler's promise while streaming.
export const uncaught = awslambda.streamifyResponse(async (_event, responseStream) => {
  responseStream.write('before the crash');
  setImmediate(() => {
    throw new Error('async boom');
  });
  await new Promise(() => {});
});

// Writes its first chunk, then its second only once event.release (an HTTP
// URL) answers: the test answers after it has received the first chunk.
export const progressive = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('chunk-1;');
  await new Promise((resolve, reject) => {
    http.get(event.release, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
  responseStream.write('chunk-2;');
  responseStream.end();
});
