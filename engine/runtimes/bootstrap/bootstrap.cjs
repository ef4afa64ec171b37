// lambdev's Node.js runtime: the Lambda Runtime API loop for one worker.
//
// Modelled on AWS's aws-lambda-nodejs-runtime-interface-client: the same
// handler lookup (file.export against LAMBDA_TASK_ROOT: CommonJS through
// require(), ES modules through import(), as its UserFunction.js does), context
// object, console format and error JSON ({errorType, errorMessage, trace}),
// and its awslambda global for response streaming. No npm dependencies.
//
// It is CommonJS because Node starts a .cjs entry point faster than an ES
// module, and a CommonJS handler never starts Node's ES module loader (~12 ms
// of a cold start here). Modules needed only on rare paths are required where
// they are used.
'use strict';

const net = require('node:net');
const { Writable } = require('node:stream'); // already loaded by node:net
const { statSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { format } = require('node:util');

const env = process.env;
const [apiHost, apiPort] = splitHostPort(env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001');

// MODERN is true on nodejs24.x and later, which run AWS's rewritten runtime
// client (src/runtime, src/function and src/context in its repository): the
// handler is awaited, and callback handlers and context.done/succeed/fail are
// gone. Earlier runtimes run the classic client (src/Runtime.js,
// CallbackContext.js). The declared runtime decides, not the local node.
const MODERN = Number(/^AWS_Lambda_nodejs(\d+)/.exec(env.AWS_EXECUTION_ENV || '')?.[1] ?? 0) >= 24;
const PREFIX = '/2018-06-01/runtime/';

function splitHostPort(addr) {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i).replace(/^\[|\]$/g, ''), Number(addr.slice(i + 1))];
}

// Conn is a minimal HTTP/1.1 client on one kept-alive socket: node:http
// costs ~0.2 ms more per invoke. Requests may be pipelined (several in one
// write, answered in order): an invocation's answer goes out with the next
// GET /next. The socket is unref'd while nothing is pending so that
// callbackWaitsForEmptyEventLoop can see the event loop drain.
class Conn {
  constructor() {
    this.sock = null;
    this.pending = []; // {resolve, reject, bytes} per request in flight, in order
    this.reset();
  }

  reset() {
    this.chunks = [];
    this.size = 0;
    this.need = -1; // bytes of the next whole response once known, else -1
  }

  open() {
    const sock = net.connect(apiPort, apiHost);
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d));
    const fail = (err) => {
      if (this.sock !== sock) return; // already replaced
      this.sock = null;
      this.reset();
      const ps = this.pending;
      this.pending = [];
      for (const p of ps) p.reject(err || new Error('Runtime API closed the connection'));
    };
    sock.on('error', fail);
    sock.on('close', () => fail());
    this.sock = sock;
  }

  // requests sends [head, body] pairs in one write and returns a promise
  // of each response; bodies over 64 KiB go in writes of their own.
  requests(list) {
    const out = [];
    for (const [head, body] of list) {
      const h = Buffer.from(head, 'latin1');
      const bytes = !body ? [h] : body.length > 65536 ? [h, body] : [Buffer.concat([h, body])];
      out.push(new Promise((resolve, reject) => this.pending.push({ resolve, reject, bytes })));
    }
    this.send(this.pending.slice(this.pending.length - list.length));
    return out;
  }

  request(head, body) {
    return this.requests([[head, body]])[0];
  }

  send(ps) {
    if (!this.sock) this.open();
    this.sock.ref();
    const bufs = ps.flatMap((p) => p.bytes);
    let small = [];
    for (const b of bufs) {
      if (b.length <= 65536) {
        small.push(b);
        continue;
      }
      if (small.length) this.sock.write(small.length === 1 ? small[0] : Buffer.concat(small));
      this.sock.write(b);
      small = [];
    }
    if (small.length) this.sock.write(small.length === 1 ? small[0] : Buffer.concat(small));
  }

  // onData buffers without copying until a whole response may be there.
  onData(d) {
    this.chunks.push(d);
    this.size += d.length;
    if (this.need >= 0 && this.size < this.need) return;
    // A chunked body ends with CRLF CRLF; skip the copy until one may have come.
    if (this.need === -2 && d.length >= 4 && d.latin1Slice(d.length - 4) !== '\r\n\r\n') return;
    let buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    for (;;) {
      const used = this.parse(buf);
      if (used === 0) {
        this.chunks = [buf];
        this.size = buf.length;
        return;
      }
      this.reset();
      buf = buf.subarray(used);
      if (buf.length === 0 || !this.sock) return;
    }
  }

  // parse resolves the first pending request when buf starts with its whole
  // response, and returns the bytes that response took (0: not all there).
  parse(buf) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || this.pending.length === 0) return 0;
    const lines = buf.latin1Slice(0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
    }
    let body, used;
    if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
      const d = dechunk(buf, end + 4);
      if (!d) {
        this.need = -2; // wait for the terminating chunk
        return 0;
      }
      [body, used] = d;
    } else {
      used = end + 4 + Number(headers['content-length'] || 0);
      if (buf.length < used) {
        this.need = used;
        return 0;
      }
      body = buf.subarray(end + 4, used);
    }
    const p = this.pending.shift();
    if ((headers.connection || '').toLowerCase() === 'close') {
      // The server answered nothing sent after this request on this
      // connection: send those again on a new one.
      const rest = this.pending;
      this.sock.destroy();
      this.sock = null;
      this.pending = rest;
      if (rest.length) this.send(rest);
    } else if (this.pending.length === 0) {
      this.sock.unref();
    }
    p.resolve({ status, headers, body });
    return used;
  }
}

// dechunk decodes a chunked body starting at at: [body, offset after it],
// or null if incomplete.
function dechunk(buf, at) {
  const parts = [];
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(buf.latin1Slice(at, eol), 16);
    if (size === 0) {
      const fin = buf.indexOf('\r\n\r\n', at);
      return fin < 0 ? null : [Buffer.concat(parts), fin + 4];
    }
    if (buf.length < eol + 2 + size + 2) return null;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 4 + size;
  }
}

const conn = new Conn();
const HOST = `Host: ${env.AWS_LAMBDA_RUNTIME_API}\r\n`;
const NEXT = `GET ${PREFIX}invocation/next HTTP/1.1\r\n${HOST}\r\n`;

// answer builds the POST of an answer (invocation response or error, init
// error) as [head, body]. pipelined asks the server to hold its 202 and send
// it with the reply to the GET /next that follows in the same write.
function answer(route, body, contentType, errorType, pipelined) {
  const buf = Buffer.from(body);
  let head = `POST ${PREFIX}${route} HTTP/1.1\r\n${HOST}Content-Type: ${contentType}\r\nContent-Length: ${buf.length}\r\n`;
  if (errorType) head += `Lambda-Runtime-Function-Error-Type: ${errorType}\r\n`;
  if (pipelined) head += 'Lambdev-Pipelined-Next: 1\r\n';
  return [head + '\r\n', buf];
}

// checkPosted exits the runtime when the Runtime API refused an answer.
function checkPosted(res) {
  if (res.status >= 500) {
    process.stderr.write(`lambdev runtime: Runtime API answered ${res.status}: ${res.body}\n`);
    process.exit(1);
  }
}

// flushStdio waits until buffered log writes have left the process (stdio
// pipes are asynchronous on macOS), so logs precede the answer they belong to.
async function flushStdio() {
  for (const s of [process.stdout, process.stderr]) {
    if (s.writableLength > 0) await new Promise((r) => s.write('', r));
  }
}

async function post(route, body, contentType, errorType) {
  await flushStdio();
  checkPosted(await conn.request(...answer(route, body, contentType, errorType, false)));
}

// next posts the last invocation's answer, if any, and returns the next
// event. The answer and GET /next go out in one write, as the Python
// bootstrap sends them: the answer is final (its logs flushed, the event
// loop drained when the handler asked for that), so nothing is reordered.
async function next(ans) {
  if (!ans) return conn.request(NEXT);
  await flushStdio();
  const [posted, event] = conn.requests([ans, [NEXT]]);
  checkPosted(await posted);
  return event;
}

// --- errors -----------------------------------------------------------------

const errorClasses = {};
for (const name of ['ImportModuleError', 'HandlerNotFound', 'MalformedHandlerName', 'UserCodeSyntaxError', 'UnhandledPromiseRejection',
  'MalformedStreamingHandler', 'InvalidStreamingOperation']) {
  const cls = { [name]: class extends Error {} }[name];
  cls.prototype.name = `Runtime.${name}`;
  errorClasses[name] = cls;
}
const { ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError, UnhandledPromiseRejection } = errorClasses;
const { MalformedStreamingHandler, InvalidStreamingOperation } = errorClasses;

// NodeJsExit fails an async handler whose promise never settled, once
// nothing is left to run (the classic client's Errors.js).
class NodeJsExit extends Error {
  constructor() {
    super('The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes');
  }
}
NodeJsExit.prototype.name = 'Runtime.NodeJsExit';

// CallbackHandlerDeprecated refuses a callback handler on nodejs24.x and
// later, at init (callback-deprecation.ts, utils/errors.ts).
class CallbackHandlerDeprecated extends Error {}
CallbackHandlerDeprecated.prototype.name = 'Runtime.CallbackHandlerDeprecated';
const CALLBACK_REMOVED = 'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';
const CALLBACK_WARNING = 'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.';

// isAsync is the classic client's test for an async handler.
function isAsync(handler) {
  try {
    return handler?.constructor?.name === 'AsyncFunction';
  } catch {
    return false;
  }
}

// checkCallbackHandler applies AWS's rule for callback handlers (three
// parameters, not streaming): refused at init on nodejs24.x and later; on
// earlier runtimes a warning when it is not async either.
function checkCallbackHandler(handler, streamMode) {
  if (handler.length < 3 || streamMode) return;
  if (MODERN) throw new CallbackHandlerDeprecated(CALLBACK_REMOVED);
  if (handler.length === 3 && !isAsync(handler) && env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined) {
    console.warn(CALLBACK_WARNING);
  }
}

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
  return post(...errorAnswer(route, error));
}

// errorAnswer is the route, body, content type and error type of an error.
function errorAnswer(route, error) {
  const body = toRapidResponse(error);
  return [route, JSON.stringify(body), 'application/json', body.errorType];
}

// --- logging ----------------------------------------------------------------

let currentRequestId;
let currentTenantId;
// AWS_LAMBDA_LOG_FORMAT=JSON (the function's logging: {format: JSON}): every
// console line, and every error the runtime logs, is one JSON object.
const jsonLogs = (env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';

function enableCompileCache() {
  // Node >= 22.1 can cache compiled code (ours and the user's) across starts;
  // older versions skip loading node:module for it.
  if (parseInt(process.versions.node, 10) < 22) return;
  try {
    require('node:module').enableCompileCache?.();
  } catch {
    // an old node, or an unwritable cache dir: start without it
  }
}

// Lambda's log levels, lowest first. AWS_LAMBDA_LOG_LEVEL silences the
// console methods below it, as AWS's runtime does (FATAL always logs); an
// unset or unknown level logs everything.
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function patchConsole() {
  const min = Math.max(0, LOG_LEVELS.indexOf((env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()));
  const line = jsonLogs ? jsonLine : textLine;
  const write = (level) => LOG_LEVELS.indexOf(level) < min ? () => {} : (...args) => {
    process.stdout.write(line(level, args) + '\n');
  };
  console.log = console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = write('TRACE');
  console.fatal = write('FATAL');
}

function textLine(level, args) {
  return `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}`;
}

// jsonLine is a console call as AWS's runtime writes it in JSON format: a
// lone argument is the message as it is (an Error as its type, message and
// stack); more are formatted into one, and the first Error among them lends
// its fields to the record.
function jsonLine(level, args) {
  const rec = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
  if (currentTenantId) rec.tenantId = currentTenantId;
  if (args.length <= 1) {
    rec.message = args[0];
    try {
      return JSON.stringify(rec, errorRecord);
    } catch {
      rec.message = format(rec.message);
      return JSON.stringify(rec);
    }
  }
  rec.message = format(...args);
  const err = args.find((a) => a instanceof Error);
  if (err) Object.assign(rec, errorFields(err));
  return JSON.stringify(rec);
}

function errorFields(err) {
  return {
    errorType: err?.constructor?.name ?? 'UnknownError',
    errorMessage: err.message,
    stackTrace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
  };
}

function errorRecord(_key, value) {
  if (!(value instanceof Error)) return value;
  const fields = errorFields(value);
  if (typeof value.stack !== 'string') fields.stackTrace = value.stack;
  return Object.assign(fields, value);
}

// logError logs an error the runtime caught: `label<TAB>{json}` in text,
// the error alone (one JSON record) in JSON format.
function logError(label, err) {
  const e = err instanceof Error ? err : new Error(err); // Errors.intoError
  if (jsonLogs) console.error(e);
  else console.error(label, toFormatted(e));
}

// --- handler ----------------------------------------------------------------

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

// exists is fs.existsSync, which AWS's runtime tries the extensionless path
// with (so a directory loads its index.js or package main).
function exists(p) {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

// typeModule reports whether the nearest package.json above dir declares
// "type": "module" (a node_modules folder ends the search, as in AWS).
function typeModule(dir) {
  for (;;) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const pj = path.join(dir, 'package.json');
    if (isFile(pj)) {
      try {
        return JSON.parse(require('node:fs').readFileSync(pj, 'utf8'))?.type === 'module';
      } catch (err) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, err);
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

const importFile = async (file) => import(pathToFileURL(file).href);

// loadModule loads the handler's module in the order of AWS's runtime: an
// extensionless file and .js outside a "type": "module" package through
// require(); then .js (module package) and .mjs through import(); then .cjs;
// then a package resolved from the task root.
async function loadModule(taskRoot, moduleRoot, moduleName) {
  const full = path.resolve(taskRoot, moduleRoot, moduleName);
  try {
    if (exists(full)) return require(full);
    const esm = typeModule(path.dirname(full));
    if (isFile(`${full}.js`)) return esm ? await importFile(`${full}.js`) : require(`${full}.js`);
    if (isFile(`${full}.mjs`)) return await importFile(`${full}.mjs`);
    if (isFile(`${full}.cjs`)) return require(`${full}.cjs`);
    // Not a file: a package in node_modules, resolved as if from the task root.
    const req = require('node:module').createRequire(path.join(taskRoot, 'index.js'));
    return req(req.resolve(moduleName, { paths: [taskRoot, path.join(taskRoot, moduleRoot)] }));
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

// contextData is the part of the context both clients build from the
// environment and the invocation's headers.
function contextData(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']) || 0;
  return {
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
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

// modernContext is the context of nodejs24.x and later (context-builder.ts):
// no callback methods; the trace id, and w3c(), the allowlisted string fields
// of the client context's "w3c" object, which is taken out of it.
function modernContext(headers) {
  const ctx = contextData(headers);
  ctx.xRayTraceId = headers['lambda-runtime-trace-id'];
  const fields = {};
  const cc = ctx.clientContext;
  if (cc && typeof cc === 'object' && 'w3c' in cc) {
    const raw = cc.w3c;
    delete cc.w3c;
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const key of ['traceparent', 'tracestate', 'baggage']) {
        if (typeof raw[key] === 'string') fields[key] = raw[key];
      }
    }
  }
  Object.freeze(fields);
  ctx.w3c = () => fields;
  return ctx;
}

// beforeExit is what the running invocation does once nothing is left to
// run: the classic client's BeforeExitListener.
let beforeExit = null;

// run calls the handler on the event and settles with [error, result].
function run(handler, event, headers) {
  return MODERN ? runModern(handler, event, headers) : runClassic(handler, event, headers);
}

// runModern awaits the handler's value, promise or not
// (buffered-invoke-processor.ts).
async function runModern(handler, event, headers) {
  try {
    return [null, await handler(event, modernContext(headers))];
  } catch (err) {
    return [err ?? 'handled', undefined];
  }
}

// runClassic follows Runtime.js and CallbackContext.js: the first of
// callback, context.done/succeed/fail and the returned promise's outcome
// answers, at once, except callback(null, result) while
// callbackWaitsForEmptyEventLoop, which answers once nothing is left to run.
// A value returned without a promise is not the answer: if nothing answers
// before the event loop empties, an async handler fails with NodeJsExit and
// any other answers null.
function runClassic(handler, event, headers) {
  return new Promise((resolve) => {
    const answer = (err, result) => {
      beforeExit = null;
      resolve([err, result]);
    };
    beforeExit = () => (isAsync(handler) ? answer(new NodeJsExit(), undefined) : answer(null, null));
    let called = false;
    let waitForEmptyEventLoop = true;
    const done = (err, result) => {
      if (called) return;
      called = true;
      if (err != null) answer(err, undefined);
      else answer(null, result);
    };
    const callback = (err, result) => {
      if (called) return;
      called = true;
      if (err != null || !waitForEmptyEventLoop) answer(err ?? null, err != null ? undefined : result);
      else beforeExit = () => setImmediate(() => answer(null, result));
    };
    const context = {
      ...contextData(headers),
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyEventLoop;
      },
      set callbackWaitsForEmptyEventLoop(value) {
        waitForEmptyEventLoop = value;
      },
      done,
      succeed: (result) => done(null, result),
      fail: (err) => done(err ?? 'handled'),
    };
    try {
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') {
        result.then((r) => done(null, r), (e) => done(e ?? 'handled'));
      }
    } catch (err) {
      callback(err);
    }
  });
}

let inFlight; // request id of the invocation running now

// begin makes the event in headers the running invocation: its request id
// for logs and errors, its trace id in _X_AMZN_TRACE_ID. It returns the id.
function begin(headers) {
  const id = headers['lambda-runtime-aws-request-id'];
  inFlight = currentRequestId = id;
  currentTenantId = headers['lambda-runtime-aws-tenant-id'];
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) env._X_AMZN_TRACE_ID = trace;
  else delete env._X_AMZN_TRACE_ID;
  return id;
}

// invoke runs the handler on the event in res and returns its answer to post.
async function invoke(handler, res) {
  const headers = res.headers;
  const id = begin(headers);
  let err, result;
  try {
    const event = JSON.parse(res.body.length ? res.body : 'null');
    [err, result] = await run(handler, event, headers);
  } catch (e) {
    err = e;
  }
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
    logError('Invoke Error', err);
    const [route, errBody, contentType, errorType] = errorAnswer(`invocation/${id}/error`, err);
    return answer(route, errBody, contentType, errorType, true);
  }
  return answer(`invocation/${id}/response`, body, 'application/json', undefined, true);
}

// --- response streaming -----------------------------------------------------
//
// As in AWS's runtime (UserFunction.js, ResponseStream.js, HttpResponseStream.js
// and streaming-invoke-processor.ts of aws-lambda-nodejs-runtime-interface-client):
// awslambda.streamifyResponse marks a handler; it is then called as
// handler(event, responseStream, context) and its bytes go out as they are
// written, in a chunked POST of /response on a connection of its own (§1.6).

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const ERROR_TYPE_TRAILER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';

// HttpResponseStream gives a function URL its status, headers and cookies:
// a JSON prelude and 8 NUL bytes ahead of the body, written just before the
// first write() (as in AWS, a stream only ever end()ed carries no prelude).
class HttpResponseStream {
  static from(stream, prelude) {
    stream.setContentType('application/vnd.awslambda.http-integration-response');
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(new Uint8Array(8));
    };
    return stream;
  }
}

// installGlobals defines the awslambda global before the handler's module
// loads; AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA opts out, as in AWS.
function installGlobals() {
  const off = env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (off === '1' || off === 'true') return;
  globalThis.awslambda = {
    ...globalThis.awslambda,
    streamifyResponse(handler, options) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
      return handler;
    },
    HttpResponseStream,
  };
}

// streamingOf returns {highWaterMark} for a streamified handler, else null.
function streamingOf(handler) {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) return null;
  if (mode !== STREAM_RESPONSE) throw new MalformedStreamingHandler('Only response streaming is supported.');
  const hwm = parseInt(handler[HANDLER_HIGHWATERMARK]);
  return { highWaterMark: Number.isNaN(hwm) ? undefined : hwm };
}

let http; // node:http, loaded by the first streamed response
let streaming; // the ResponseStream of the invocation running now, if any

// ResponseStream is the Writable a streaming handler writes to. The POST
// starts at once (its headers leave with the first chunk) and holds the event
// loop open until the body ends, as AWS's runtime does.
class ResponseStream extends Writable {
  #req; // the POST; not named req, or stream.pipeline() would abort() it

  constructor(id, highWaterMark) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.began = false; // write() was called: too late to set the content type
    this.closing = false; // the request body's end is under way
    this.failed = false; // failStream was called, with failure
    this.failure = undefined;
    this._onBeforeFirstWrite = undefined;
    this.on('error', () => {}); // a destroy(err) is reported in the trailers
    http ??= require('node:http');
    this.#req = http.request({
      host: apiHost,
      port: apiPort,
      method: 'POST',
      path: `${PREFIX}invocation/${id}/response`,
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: `${ERROR_TYPE_TRAILER}, ${ERROR_BODY_TRAILER}`,
        'Content-Type': 'application/octet-stream',
      },
      // No agent: a connection of its own, closed after the answer (§1.6).
      createConnection: (opts, cb) => net.createConnection({ ...opts, highWaterMark }, cb),
    });
    this.#req.setNoDelay(true);
    this.posted = new Promise((resolve, reject) => {
      this.#req.on('response', (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on('close', () => res.complete || reject(new Error('Runtime API closed the connection')));
      });
      this.#req.on('error', (err) => {
        reject(err);
        this.closing = true;
        this.destroy(err);
      });
    });
    this.posted.catch(() => {}); // awaited by invokeStreaming
  }

  setContentType(contentType) {
    if (this.began) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.#req.setHeader('Content-Type', contentType);
  }

  write(chunk, encoding, cb) {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) chunk = JSON.stringify(chunk);
    if (!this.began) {
      this.began = true;
      if (typeof this._onBeforeFirstWrite === 'function') this._onBeforeFirstWrite((c) => super.write(c));
    }
    return super.write(chunk, encoding, cb);
  }

  // _write hands chunks straight to the request, as AWS's runtime writes to
  // it directly, holding them back only while the connection drains.
  _write(chunk, encoding, cb) {
    if (this.#req.write(chunk, encoding)) cb();
    else this.#req.once('drain', () => cb());
  }

  _final(cb) {
    this.finishBody(null).then(() => cb(), cb);
  }

  _destroy(err, cb) {
    // Destroyed before its end: the response failed.
    if (!this.closing) failStream(this, err ?? new Error('Response stream is not finished.'));
    cb(err);
  }

  // finishBody ends the request body (only the first call counts), with the
  // error in its trailers unless err is null. Logs go out first: they belong
  // to the invocation, which ends with the body.
  async finishBody(err) {
    if (this.closing) return;
    // Ended by the handler: _final completes the body, as in AWS, where an
    // end() is final and a later error is only logged.
    if (err !== null && this.writableEnded && !this.destroyed) return;
    this.closing = true;
    if (err !== null) {
      // What the handler wrote before failing goes out ahead of the trailers.
      if (this.writableLength > 0 && !this.destroyed) await new Promise((r) => super.write(Buffer.alloc(0), r));
      const body = toRapidResponse(err);
      this.#req.addTrailers({
        [ERROR_TYPE_TRAILER]: headerSafe(String(body.errorType)),
        [ERROR_BODY_TRAILER]: Buffer.from(JSON.stringify(body)).toString('base64'),
      });
    }
    await flushStdio();
    if (!this.#req.destroyed) this.#req.end();
  }
}

// headerSafe percent-encodes what may not appear in a header value.
function headerSafe(s) {
  return s.replace(/[^\t\x20-\x7e]/g, (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

// failStream logs an invocation's error and ends its stream with it, once per error.
function failStream(stream, err) {
  if (stream.failed && stream.failure === err) return;
  stream.failed = true;
  stream.failure = err;
  logError('Invoke Error', err);
  stream.finishBody(err);
}

// streamingContext is a classic streaming handler's context: its callback
// methods can only fail the stream.
function streamingContext(headers, stream) {
  const fail = (err) => err != null && failStream(stream, err);
  return Object.assign(contextData(headers), {
    callbackWaitsForEmptyEventLoop: true,
    done: fail,
    succeed: () => {},
    fail: (err) => fail(err ?? 'handled'),
  });
}

// invokeStreaming runs a streaming handler on the event in res and returns
// once the Runtime API has answered its POST. A handler that resolves before
// ending its stream may end it later; one that never does runs into its
// timeout, as in AWS (the runtime awaits the POST's answer).
async function invokeStreaming(handler, res, highWaterMark) {
  const headers = res.headers;
  const id = begin(headers);
  const stream = (streaming = new ResponseStream(id, highWaterMark));
  try {
    const event = JSON.parse(res.body.length ? res.body : 'null');
    const context = MODERN ? modernContext(headers) : streamingContext(headers, stream);
    const result = handler(event, stream, context);
    if (!result || typeof result.then !== 'function') throw new Error('Streaming does not support non-async handlers.');
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
  } catch (err) {
    failStream(stream, err);
  }
  checkPosted(await stream.posted);
  streaming = inFlight = undefined;
}

// fatal reports an uncaught error for the running invocation (or init) and
// exits. A response being streamed ends with the error in its trailers: the
// Runtime API already has that invocation's /response under way.
async function fatal(err, label, code) {
  logError(label, err);
  try {
    if (streaming && !streaming.closing) {
      streaming.finishBody(err);
      await streaming.posted;
    } else {
      await postError(inFlight ? `invocation/${inFlight}/error` : 'init/error', err);
    }
  } finally {
    process.exit(code);
  }
}

async function main() {
  enableCompileCache();
  patchConsole();
  process.on('uncaughtException', (err) => fatal(err, 'Uncaught Exception', 129));
  process.on('unhandledRejection', (reason, promise) => {
    const err = new UnhandledPromiseRejection(reason); // its message is String(reason), as in AWS
    err.reason = reason;
    err.promise = promise;
    fatal(err, 'Unhandled Promise Rejection', 128);
  });
  if (env.LAMBDEV_HOLD === '1') {
    // A spare started ahead of a hot reload: Node and this bootstrap are
    // loaded; the handler is imported only on the engine's go-ahead, so it is
    // the code on disk at that moment. EOF means it is not needed.
    delete env.LAMBDEV_HOLD;
    const go = await new Promise((resolve) => {
      process.stdin.once('data', () => resolve(true));
      process.stdin.once('end', () => resolve(false));
    });
    process.stdin.destroy();
    if (!go) process.exit(0);
  }
  installGlobals();
  process.on('beforeExit', () => beforeExit?.());
  let handler, streamMode;
  try {
    handler = await loadHandler(env.LAMBDA_TASK_ROOT || process.cwd(), env._HANDLER || '');
    streamMode = streamingOf(handler);
    checkCallbackHandler(handler, streamMode);
  } catch (err) {
    // The classic client's failed init is an uncaught exception of its
    // entry module (exit 129); the modern one logs it as an init error.
    logError(MODERN ? 'Init Error' : 'Uncaught Exception', err);
    await postError('init/error', err);
    process.exit(MODERN ? 1 : 129);
  }
  let ans;
  for (;;) {
    const res = await next(ans);
    if (res.status !== 200) {
      process.stderr.write(`lambdev runtime: /next answered ${res.status}: ${res.body}\n`);
      process.exit(1);
    }
    if (!streamMode) {
      ans = await invoke(handler, res);
      continue;
    }
    // A streamed answer has been posted in full; no answer rides with /next.
    await invokeStreaming(handler, res, streamMode.highWaterMark);
    ans = undefined;
  }
}

main().catch((err) => {
  // The Runtime API went away: there is nobody to report to.
  process.stderr.write(`lambdev runtime: Runtime API unreachable: ${err && err.message}\n`);
  process.exit(1);
});
