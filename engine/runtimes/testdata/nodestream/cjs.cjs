// CommonJS streaming handler, written as for AWS's Node.js runtime.
exports.handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType('text/csv');
  for (const row of ['a,b', '1,2']) responseStream.write(`${row}\n`);
  responseStream.end(`${context.functionName}\n`);
});

// A function URL response from CommonJS.
exports.url = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 404, headers: { 'content-type': 'text/plain' } });
  responseStream.write('not here');
  responseStream.end();
});

// Marked for a streaming mode AWS does not have.
exports.badMode = async () => null;
exports.badMode[Symbol.for('aws.lambda.runtime.handler.streaming')] = 'request';
