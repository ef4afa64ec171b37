// A streaming handler (an ES module): server-sent events through a function
// URL with invokeMode RESPONSE_STREAM, each sent as it is written.
// Try: curl -N http://127.0.0.1:3100/fn/feed/?n=5
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const n = Math.min(Number(event.queryStringParameters?.n ?? 5) || 5, 50);
  const out = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
  for (let i = 1; i <= n; i++) {
    out.write(`data: {"tick":${i},"of":${n}}\n\n`);
    await sleep(200);
  }
  out.end();
});
