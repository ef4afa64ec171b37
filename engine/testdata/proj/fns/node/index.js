exports.handler = async (event, context) => ({ event, requestId: context.awsRequestId });
