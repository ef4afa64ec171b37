// An ES module that does not stream: awslambda exists when it is evaluated.
const atLoad = typeof awslambda;

export const handler = async (event) => ({ atLoad, event });
