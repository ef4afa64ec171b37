// The benchmark's Node handler: echoes the event with a version marker
// that the hot-reload benchmark rewrites.
const VERSION = "v0";

exports.handler = async (event) => ({ v: VERSION, event });
