// lambdev's Node.js runtime: the Lambda Runtime API loop for one worker.
//
// Modelled on AWS's aws-lambda-nodejs-runtime-interface-client: the same
// handler lookup (file.export against LAMBDA_TASK_ROOT: CommonJS through
// require(), ES modules through import(), as its UserFunction.js does), context
// object, console format and error JSON ({errorType, errorMessage, trace}).
// No npm dependencies.
//
// It is CommonJS because Node starts a .cjs entry point faster than an ES
// module, and a CommonJS handler never starts Node's ES module loader (~12 ms
// of a cold start here). Modules needed only on rare paths are required where
// they are used.
'use strict';

const net = require('node:net');
const { statSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { format } = require('node:util');

const env = process.env;
const [apiHost, apiPort] = splitHostPort(env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001');
const PREFIX = '/2018-06-01/runtime/';

function splitHostPort(addr) {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i).replace(/^\[|\]$/g, ''), Number(addr.slice(i + 1))];
}

// Conn is a minimal HTTP/1.1 client on one kept-alive socket: the Runtime
// API needs one request at a time, and node:http costs ~0.2 ms more per
// invoke. The socket is unref'd while idle so that
// callbackWaitsForEmptyEventLoop can see the event loop drain.
class Conn {
  constructor() {
    this.sock = null;
    this.pending = null; // {resolve, reject} of the request in flight
    this.reset();
  }

  reset() {
    this.chunks = [];
    this.size = 0;
    this.need = -1; // bytes of the whole response once known, else -1
  }

  open() {
    const sock = net.connect(apiPort, apiHost);
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d));
    const fail = (err) => {
      if (this.sock === sock) this.sock = null;
      this.reset();
      const p = this.pending;
      this.pending = null;
      if (p) p.reject(err || new Error('Runtime API closed the connection'));
    };
    sock.on('error', fail);
    sock.on('close', () => fail());
    this.sock = sock;
  }

  request(head, body) {
    if (!this.sock) this.open();
    this.sock.ref();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      if (body && body.length > 65536) {
        this.sock.write(head, 'latin1');
        this.sock.write(body);
      } else {
        this.sock.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head, 'latin1');
      }
    });
  }

  // onData buffers without copying until a whole response may be there.
  onData(d) {
    this.chunks.push(d);
    this.size += d.length;
    if (this.need >= 0 && this.size < this.need) return;
    // A chunked body ends with CRLF CRLF; skip the copy until one may have come.
    if (this.need === -2 && d.length >= 4 && d.latin1Slice(d.length - 4) !== '\r\n\r\n') return;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.chunks = [buf];
    this.parse(buf);
  }

  // parse resolves the pending request once buf holds a whole response.
  parse(buf) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.pending) return;
    const lines = buf.latin1Slice(0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
    }
    let body;
    if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
      body = dechunk(buf, end + 4);
      if (!body) {
        this.need = -2; // wait for the terminating chunk
        return;
      }
    } else {
      this.need = end + 4 + Number(headers['content-length'] || 0);
      if (buf.length < this.need) return;
      body = buf.subarray(end + 4, this.need);
    }
    this.reset();
    const p = this.pending;
    this.pending = null;
    this.sock.unref();
    if ((headers.connection || '').toLowerCase() === 'close') {
      this.sock.destroy();
      this.sock = null;
    }
    p.resolve({ status, headers, body });
  }
}

// dechunk decodes a chunked body starting at at, or returns null if incomplete.
function dechunk(buf, at) {
  const parts = [];
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(buf.latin1Slice(at, eol), 16);
    if (size === 0) return buf.indexOf('\r\n\r\n', at) < 0 ? null : Buffer.concat(parts);
    if (buf.length < eol + 2 + size + 2) return null;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 4 + size;
  }
}

const conn = new Conn();
const HOST = `Host: ${env.AWS_LAMBDA_RUNTIME_API}\r\n`;
const NEXT = `GET ${PREFIX}invocation/next HTTP/1.1\r\n${HOST}\r\n`;

// request sends one Runtime API request; body is a Buffer or undefined.
function request(method, route, body, headers) {
  if (method === 'GET') return conn.request(NEXT);
  let head = `${method} ${PREFIX}${route} HTTP/1.1\r\n${HOST}`;
  for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
  return conn.request(head + '\r\n', body);
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
  const buf = Buffer.from(body);
  const headers = { 'Content-Type': contentType, 'Content-Length': buf.length };
  if (errorType) headers['Lambda-Runtime-Function-Error-Type'] = errorType;
  const res = await request('POST', route, buf, headers);
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
  // Node >= 22.1 can cache compiled code (ours and the user's) across starts;
  // older versions skip loading node:module for it.
  if (parseInt(process.versions.node, 10) < 22) return;
  try {
    require('node:module').enableCompileCache?.();
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

main().catch((err) => {
  // The Runtime API went away: there is nobody to report to.
  process.stderr.write(`lambdev runtime: Runtime API unreachable: ${err && err.message}\n`);
  process.exit(1);
});
