// A handler that does not stream: awslambda exists for it too, from the
// moment its module loads, and the runtime has not loaded node:http.
const atLoad = typeof awslambda;

exports.handler = async () => ({
  atLoad,
  streamifyResponse: typeof awslambda.streamifyResponse,
  from: typeof awslambda.HttpResponseStream.from,
  httpLoaded: process.moduleLoadList.includes('NativeModule http'),
});
