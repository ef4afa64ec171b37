require('not-a-real-module');
exports.handler = async () => 1;
