exports.handler = async (event, context) => ({ event, requestId: context.awsRequestId });
exports.tenant = async (event, context) => ({ tenant: context.tenantId });
