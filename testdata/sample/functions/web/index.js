// A CommonJS async handler.
exports.handler = async (event, context) => {
  console.log("web invoked", context.awsRequestId);
  return { node: process.version, echo: event };
};
