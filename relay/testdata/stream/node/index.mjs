// A streaming handler written as for AWS's Node.js runtime: "one\n", then
// whatever the test writes into the FIFO named by the event's (or the
// function URL's query string's) fifo, piped through as it arrives.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const url = event.requestContext?.http !== undefined;
  const fifo = url ? event.queryStringParameters.fifo : event.fifo;
  const out = url
    ? awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-streamed': 'yes' } })
    : responseStream;
  out.write('one\n');
  await pipeline(createReadStream(fifo), out);
});
