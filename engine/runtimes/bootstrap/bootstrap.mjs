// lambdev's Node.js runtime: the Lambda Runtime API loop for one worker.
//
// Modelled on AWS's aws-lambda-nodejs-runtime-interface-client: the same
// handler lookup (file.export against LAMBDA_TASK_ROOT, trying '', .js, .mjs,
// .cjs), context object, console format and error JSON ({errorType,
// errorMessage, trace}). No npm dependencies.
import http from 'node:http';
import nodeModule, { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const env = process.env;
const [apiHost, apiPort] = splitHostPort(env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const PREFIX = '/2018-06-01/runtime/';

function splitHostPort(addr) {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i).replace(/^\[|\]$/g, ''), Number(addr.slice(i + 1))];
}

// request sends one Runtime API request on the kept-alive socket.
function request(method, route, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: apiPort, method, path: PREFIX + route, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function post(route, body, contentType, errorType) {
  const headers = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) };
  if (errorType) headers['Lambda-Runtime-Function-Error-Type'] = errorType;
  const res = await request('POST', route, body, headers);
  if (res.status >= 500) {
    process.stderr.write(`lambdev runtime: Runtime API answered ${res.status}: ${res.body}\n`);
    process.exit(1);
  }
}

// --- errors -----------------------------------------------------------------

const errorClasses = {};
for (const name of ['ImportModuleError', 'HandlerNotFound', 'MalformedHandlerName', 'UserCodeSyntaxError', 'UnhandledPromiseRejection']) {
  const cls = { [name]: class extends Error {} }[name];
  cls.prototype.name = `Runtime.${name}`;
  errorClasses[name] = cls;
}
const { ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError, UnhandledPromiseRejection } = errorClasses;

function isErrorLike(e) {
  return e instanceof Error || (e && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string');
}

// toRapidResponse is the error body the AWS Node runtime posts.
function toRapidResponse(error) {
  try {
    if (isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: (error.stack || '').split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

// toFormatted renders an error for the log as AWS does: a tab, then JSON.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => {
      if (!(v instanceof Error)) return v;
      const ret = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
      if (typeof v.stack === 'string') ret.stack = v.stack.split('\n');
      return ret;
    });
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

function postError(route, error) {
  const body = toRapidResponse(error);
  return post(route, JSON.stringify(body), 'application/json', body.errorType);
}

// --- logging ----------------------------------------------------------------

let currentRequestId;

function enableCompileCache() {
  // Node >= 22.1 can cache compiled code (ours and the user's) across starts.
  try {
    nodeModule.enableCompileCache?.();
  } catch {
    // an old node, or an unwritable cache dir: start without it
  }
}

function patchConsole() {
  const write = (level) => (...args) => {
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`);
  };
  console.log = console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = write('TRACE');
  console.fatal = write('FATAL');
}

// --- handler ----------------------------------------------------------------

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

async function loadModule(taskRoot, moduleRoot, moduleName) {
  const full = path.resolve(taskRoot, moduleRoot, moduleName);
  try {
    for (const ext of ['', '.js', '.mjs', '.cjs']) {
      if (isFile(full + ext)) return await import(pathToFileURL(full + ext).href);
    }
    const require = createRequire(path.join(taskRoot, 'index.js'));
    return require(require.resolve(moduleName, { paths: [taskRoot, path.join(taskRoot, moduleRoot)] }));
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(err);
    if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) throw new ImportModuleError(err);
    throw err;
  }
}

function resolvePath(obj, dotted) {
  return dotted.split('.').reduce((o, key) => (o == null ? undefined : o[key]), obj);
}

// loadHandler imports the handler's module once and returns the handler.
async function loadHandler(taskRoot, full) {
  if (full.includes('..')) {
    throw new MalformedHandlerName(`'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const base = path.basename(full);
  const moduleRoot = full.substring(0, full.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const mod = await loadModule(taskRoot, moduleRoot, match[1]);
  let fn = resolvePath(mod, match[2]);
  if (fn === undefined && mod && mod.default != null) fn = resolvePath(mod.default, match[2]); // CommonJS
  if (!fn) throw new HandlerNotFound(`${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${full} is not a function`);
  return fn;
}

// --- invoke -----------------------------------------------------------------

function parseJSONHeader(value) {
  return value === undefined ? undefined : JSON.parse(value);
}

function makeContext(headers, finish) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']) || 0;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    clientContext: parseJSONHeader(headers['lambda-runtime-client-context']),
    identity: parseJSONHeader(headers['lambda-runtime-cognito-identity']),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    done: (err, result) => finish(err, result),
    succeed: (result) => finish(null, result),
    fail: (err) => finish(err ?? 'handled'),
  };
}

// run calls the handler and settles with [error, result, waitForEmptyLoop].
function run(handler, event, headers) {
  return new Promise((resolve) => {
    let settled = false;
    let context;
    const finish = (err, result, viaCallback) => {
      if (settled) return;
      settled = true;
      resolve([err, result, viaCallback && context.callbackWaitsForEmptyEventLoop]);
    };
    try {
      context = makeContext(headers, (e, r) => finish(e, r, true));
      const callback = (e, r) => finish(e, r, true);
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') {
        result.then((r) => finish(null, r, false), (e) => finish(e ?? 'handled', undefined, false));
      } else if (handler.length < 3) {
        finish(null, result, false);
      }
    } catch (err) {
      finish(err, undefined, false);
    }
  });
}

let inFlight; // request id of the invocation running now

async function invoke(handler, res) {
  const headers = res.headers;
  const id = headers['lambda-runtime-aws-request-id'];
  inFlight = currentRequestId = id;
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) env._X_AMZN_TRACE_ID = trace;
  else delete env._X_AMZN_TRACE_ID;
  let err, result, waitEmpty;
  try {
    const event = JSON.parse(res.body.length ? res.body : 'null');
    [err, result, waitEmpty] = await run(handler, event, headers);
  } catch (e) {
    err = e;
  }
  if (waitEmpty) await new Promise((r) => process.once('beforeExit', r));
  let body;
  if (err == null) {
    try {
      body = JSON.stringify(result === undefined ? null : result) ?? 'null';
    } catch (e) {
      err = new Error('Unable to stringify response body', { cause: e });
    }
  }
  inFlight = undefined;
  if (err != null) {
    console.error('Invoke Error', toFormatted(err));
    return postError(`invocation/${id}/error`, err);
  }
  return post(`invocation/${id}/response`, body, 'application/json');
}

// fatal reports an uncaught error for the running invocation (or init) and exits.
async function fatal(err, label, code) {
  console.error(label, toFormatted(err));
  try {
    await postError(inFlight ? `invocation/${inFlight}/error` : 'init/error', err);
  } finally {
    process.exit(code);
  }
}

async function main() {
  enableCompileCache();
  patchConsole();
  process.on('uncaughtException', (err) => fatal(err, 'Uncaught Exception', 129));
  process.on('unhandledRejection', (reason, promise) => {
    const err = new UnhandledPromiseRejection(reason && reason.stack ? reason.stack : String(reason));
    err.reason = reason;
    err.promise = promise;
    fatal(err, 'Unhandled Promise Rejection', 128);
  });
  let handler;
  try {
    handler = await loadHandler(env.LAMBDA_TASK_ROOT || process.cwd(), env._HANDLER || '');
  } catch (err) {
    console.error('Init Error', toFormatted(err));
    await postError('init/error', err);
    process.exit(1);
  }
  for (;;) {
    const res = await request('GET', 'invocation/next');
    if (res.status !== 200) {
      process.stderr.write(`lambdev runtime: /next answered ${res.status}: ${res.body}\n`);
      process.exit(1);
    }
    await invoke(handler, res);
  }
}

main();
