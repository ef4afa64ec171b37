"""lambdev's Python runtime: the Lambda Runtime API loop for one worker.

Workers run it as `python -c "...import lambdev_bootstrap; ...main()"` so the
interpreter caches its bytecode like any module's; the unusual name keeps it
from shadowing a user module called bootstrap.

Modelled on AWS's awslambdaric: same handler resolution, context object,
error JSON and Runtime.* error types. Standard library only, and lean, because
every import here is paid on each cold start (bare `python -c 0` is ~30 ms;
`json`, `socket` and `logging` together add ~35 ms more): it speaks HTTP/1.1
over one kept-alive `_socket`, uses the `_json` accelerator the `json` module
itself is built on (falling back to `json` where it is missing), configures
Lambda's log format when the handler first imports `logging`, and imports
nothing per invoke.
"""

import _socket
import os
import sys
import time

_API = "/2018-06-01/runtime/"
_MARSHAL_ERROR = "Runtime.MarshalError"
_UNMARSHAL_ERROR = "Runtime.UnmarshalError"
_CONTEXT_ERROR = "Runtime.LambdaContextUnmarshalError"
_MAX_LINE = 65536  # longest status, header or chunk-size line accepted
_MAX_HEAD = 4 << 20  # longest response head accepted


class FaultException(Exception):
    """A runtime-detected failure with a Lambda error type."""

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


# --- JSON ---------------------------------------------------------------------
# json.loads and JSONEncoder(...).encode as the json module runs them with its
# C accelerator, built from the same `_json` functions with the same defaults,
# so results and error messages are identical. Anything unusual (a BOM,
# UTF-16/32 input, a decode error) goes to the json module itself.

_WS = " \t\n\r"


# awslambdaric's marshaller (lambda_runtime_marshaller.py) writes a Decimal,
# as boto3 gives DynamoDB numbers, as its exact text (simplejson's
# RawJSON(str(d))) and a NaN one as NaN. The json module cannot write raw
# text: _json_default stands a placeholder string in for each Decimal and
# to_json splices the text in, a pass that an encode without Decimals skips.
_raw = []  # the text of each Decimal the encode in progress met, by index
_RAW_TAG = "lambdevRaw" + os.urandom(8).hex() + "-"  # no handler can guess it
_NAN = float("nan")


def _json_default(obj):
    decimal = sys.modules.get("decimal")  # no Decimal can exist unless imported
    if decimal is not None and isinstance(obj, decimal.Decimal):
        if obj.is_nan():
            return _NAN
        _raw.append(str(obj))
        return _RAW_TAG + str(len(_raw) - 1)
    raise TypeError("Object of type %s is not JSON serializable" % obj.__class__.__name__)


def _splice_raw(out):
    """out with each quoted placeholder replaced by the text it stands for."""
    parts = out.split('"' + _RAW_TAG)
    for i in range(1, len(parts)):
        index, _, rest = parts[i].partition('"')
        parts[i] = _raw[int(index)] + rest
    del _raw[:]
    return "".join(parts)


def _log_default(obj):
    """Log records' default: a Decimal logs as a float (awslambdaric's log
    encoder has none: a Decimal extra fails its record)."""
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(obj, decimal.Decimal):
        return float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % obj.__class__.__name__)


# awslambdaric stops escaping non-ASCII from python3.12 on.
_ascii = os.environ.get("AWS_EXECUTION_ENV", "") in (
    "AWS_Lambda_python3.8", "AWS_Lambda_python3.9",
    "AWS_Lambda_python3.10", "AWS_Lambda_python3.11")

try:
    import _json

    class _ScanContext:
        # The attributes json.JSONDecoder() hands to _json.make_scanner.
        strict = True
        object_hook = None
        object_pairs_hook = None
        parse_float = float
        parse_int = int
        parse_constant = {
            "-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan"),
        }.__getitem__

    _scan = _json.make_scanner(_ScanContext())
    _quote = _json.encode_basestring_ascii if _ascii else _json.encode_basestring

    def loads(data):
        """json.loads(data) for bytes or str."""
        try:
            if not isinstance(data, str):
                if data[:1] in (b"", b"\x00", b"\xef", b"\xfe", b"\xff") or data[1:2] == b"\x00":
                    raise ValueError  # empty, a BOM or UTF-16/32: json decides
                data = bytes(data).decode("utf-8", "surrogatepass")
            start = len(data) - len(data.lstrip(_WS))
            obj, end = _scan(data, start)
            if end != len(data.rstrip(_WS)):
                raise ValueError
            return obj
        except (ValueError, StopIteration):
            import json

            return json.loads(data)

    def to_json(obj):
        """json.JSONEncoder(ensure_ascii=_ascii, default=_json_default).encode(obj),
        Decimals spliced in."""
        if isinstance(obj, str):
            return _quote(obj)
        encode = _json.make_encoder(
            {}, _json_default, _quote, None, ": ", ", ", False, False, True)
        out = "".join(encode(obj, 0))
        return _splice_raw(out) if _raw else out

    def log_json(obj):
        """A log record's JSON, never ASCII-escaped: awslambdaric's
        lambda_runtime_log_utils.py encodes records with ensure_ascii=False
        on every Python version. Handler threads log while the main thread
        may be encoding a result, so records leave _raw alone."""
        encode = _json.make_encoder(
            {}, _log_default, _json.encode_basestring, None, ": ", ", ", False, False, True)
        return "".join(encode(obj, 0))

except (ImportError, AttributeError, TypeError):  # an interpreter without _json
    import json

    loads = json.loads
    _encode = json.JSONEncoder(ensure_ascii=_ascii, default=_json_default).encode
    log_json = json.JSONEncoder(ensure_ascii=False, default=_log_default).encode

    def to_json(obj):
        out = _encode(obj)
        return _splice_raw(out) if _raw else out


# --- Runtime API client -------------------------------------------------------


class RuntimeClient:
    """A minimal HTTP/1.1 client for the Runtime API on a kept-alive socket."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        # A bytes host keeps getaddrinfo from importing the idna codec (~1 ms).
        self.addr = (host.strip("[]").encode(), int(port))
        self.host = address.encode()
        self.sock = None
        self.buf = b""
        self.next_request = (
            b"GET " + _API.encode() + b"invocation/next HTTP/1.1\r\nHost: "
            + self.host + b"\r\n\r\n"
        )

    def connect(self):
        err = OSError("cannot resolve the Runtime API address %r" % (self.addr,))
        for family, kind, proto, _, addr in _socket.getaddrinfo(
                self.addr[0], self.addr[1], 0, _socket.SOCK_STREAM):
            sock = _socket.socket(family, kind, proto)
            try:
                sock.connect(addr)
            except OSError as e:
                sock.close()
                err = e
                continue
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            self.sock, self.buf = sock, b""
            return
        raise err

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buf = None, b""

    def roundtrip(self, head, body=b""):
        for attempt in (0, 1):
            if self.sock is None:
                self.connect()
            try:
                self.send(head, body)
                return self.read_response()
            except (ConnectionError, EOFError):
                self.close()  # a stale kept-alive connection: retry once
                if attempt:
                    raise

    def send(self, *parts):
        """Sends parts in one write, or each on its own once they are large."""
        if sum(map(len, parts)) > 65536:
            for part in parts:
                self.sock.sendall(part)
        else:
            self.sock.sendall(b"".join(parts))

    def recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("Runtime API closed the connection")
        self.buf += data

    def read_line(self):
        """The next CRLF-terminated line, without its terminator."""
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            if len(self.buf) > _MAX_LINE:
                raise EOFError("Runtime API sent a line over %d bytes" % _MAX_LINE)
            self.recv()

    def read_exact(self, n):
        have = len(self.buf)
        if have >= n:
            data, self.buf = self.buf[:n], self.buf[n:]
            return data
        out = bytearray(n)
        out[:have] = self.buf
        view, self.buf = memoryview(out), b""
        while have < n:
            got = self.sock.recv_into(view[have:])
            if not got:
                raise EOFError("Runtime API closed the connection mid-body")
            have += got
        return bytes(out)

    def read_to_eof(self):
        parts = [self.buf]
        while True:
            data = self.sock.recv(65536)
            if not data:
                self.buf = b""
                return b"".join(parts)
            parts.append(data)

    def read_response(self):
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                break
            if len(self.buf) > _MAX_HEAD:
                raise EOFError("Runtime API sent a response head over %d bytes" % _MAX_HEAD)
            self.recv()
        lines = self.buf[:i].split(b"\r\n")
        self.buf = self.buf[i + 4:]
        status = int(lines[0].split(None, 2)[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower()] = v.strip()
        length = headers.get(b"content-length")
        if length is not None:
            body = self.read_exact(int(length))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = self.read_chunked()
        elif status < 200 or status in (204, 304):
            body = b""
        else:
            body = self.read_to_eof()
            headers[b"connection"] = b"close"
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, headers, body

    def read_chunked(self):
        parts = []
        while True:
            size = int(self.read_line().split(b";", 1)[0], 16)
            if size == 0:
                while self.read_line():
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.read_exact(size))
            self.read_line()

    def next(self, answer=None):
        """Returns the next event. answer, the last invocation's POST as a
        (head, body) pair, goes out in the same write as GET /next (HTTP/1.1
        pipelining: the server answers them in order), which spares a send and
        a wait per invocation; its logs were flushed before, so they are still
        attributed to it."""
        retried = False
        while True:
            try:
                if self.sock is None:
                    self.connect()
                if answer is None:
                    self.sock.sendall(self.next_request)
                    return self.read_response()
                # The header asks the server to send the 202 with the
                # event, which wakes this process once instead of twice.
                head = answer[0][:-2] + b"Lambdev-Pipelined-Next: 1\r\n\r\n"
                self.send(head, answer[1], self.next_request)
                status, _, reply = self.read_response()
                answer = None
                fail_on_server_error(status, reply)
                if self.sock is not None:
                    return self.read_response()
                # The server closed after answering the POST: ask again.
            except (ConnectionError, EOFError):
                self.close()  # a stale kept-alive connection: retry once
                if retried:
                    raise
                retried = True

    def answer(self, path, body, content_type=b"application/json", error_type=None):
        """The POST of an answer as a (head, body) pair."""
        head = b"POST %s%s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n" % (
            _API.encode(), path, self.host, content_type, len(body))
        if error_type:
            head += b"Lambda-Runtime-Function-Error-Type: " + error_type.encode() + b"\r\n"
        return head + b"\r\n", body

    def post(self, path, body, content_type=b"application/json", error_type=None):
        status, _, reply = self.roundtrip(*self.answer(path, body, content_type, error_type))
        fail_on_server_error(status, reply)
        return status


def fail_on_server_error(status, reply):
    """Exits the runtime when the Runtime API answers a POST with a 5xx."""
    if status >= 500:
        raise SystemExit("lambdev runtime: Runtime API answered %d: %r" % (status, reply))


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name",
                 "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def _from_dict(cls, d):
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field))
    return obj


def _parse_json_header(value, name):
    try:
        return loads(value)
    except Exception as e:
        raise FaultException(_CONTEXT_ERROR, "Unable to parse %s JSON: %s" % (name, e))


_W3C_FIELDS = ("traceparent", "tracestate", "baggage")


def _w3c_context(w3c):
    """The string fields among _W3C_FIELDS of a client context's "w3c"
    object, as awslambdaric's LambdaContext._extract_and_strip_w3c keeps them."""
    if not isinstance(w3c, dict):
        return {}
    return {k: w3c[k] for k in _W3C_FIELDS if isinstance(w3c.get(k), str)}


class LambdaContext:
    """The context object passed to handlers, as awslambdaric builds it."""

    # Read once: awslambdaric reads them per invoke, but they never change.
    # memory_limit_in_mb is a string, as in awslambdaric.
    log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
    log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
    memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
    function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
    _w3c_fields = {}  # unless the client context has "w3c"; never mutated

    def __init__(self, request_id, headers):
        self.aws_request_id = request_id
        arn = headers.get(b"lambda-runtime-invoked-function-arn")
        self.invoked_function_arn = arn.decode() if arn is not None else None
        tenant = headers.get(b"lambda-runtime-aws-tenant-id")
        self.tenant_id = tenant.decode() if tenant is not None else None
        deadline = headers.get(b"lambda-runtime-deadline-ms")
        self._epoch_deadline_time_in_ms = int(deadline) if deadline else 0
        self.client_context = None
        cc = headers.get(b"lambda-runtime-client-context")
        if cc:
            cc = _parse_json_header(cc, "Client Context")
            if isinstance(cc, dict) and "w3c" in cc:
                self._w3c_fields = _w3c_context(cc.pop("w3c"))
            if cc is not None:
                self.client_context = _from_dict(ClientContext, cc)
                if self.client_context.client is not None:
                    self.client_context.client = _from_dict(Client, self.client_context.client)
        ci = headers.get(b"lambda-runtime-cognito-identity")
        ci = _parse_json_header(ci, "Cognito Identity") if ci else None
        self.identity = identity = CognitoIdentity()
        identity.cognito_identity_id = ci.get("cognitoIdentityId") if ci else None
        identity.cognito_identity_pool_id = ci.get("cognitoIdentityPoolId") if ci else None

    def w3c(self):
        """The invoke's W3C trace context: traceparent, tracestate, baggage."""
        return dict(self._w3c_fields)

    def get_remaining_time_in_millis(self):
        delta = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
            "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
            "invoked_function_arn=%s,client_context=%s,identity=%s,tenant_id=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name,
               self.function_name, self.memory_limit_in_mb, self.function_version,
               self.invoked_function_arn, self.client_context, self.identity,
               self.tenant_id))


# --- errors -----------------------------------------------------------------


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


_own_files = (__file__, "<string>")  # this module and the -c launcher


def error_from_exception(invoke_id=None):
    """The error JSON for the exception being handled, minus bootstrap frames."""
    import traceback

    etype, value, tb = sys.exc_info()
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if frame[0] not in _own_files:
            frames = frames[i:]
            break
    return make_error(str(value), etype.__name__, traceback.format_list(frames), invoke_id)


def log_error(error):
    """Writes the error to the log the way the Lambda Python runtime does."""
    if _json_logs:
        # One record, its time to the second, as awslambdaric writes it.
        record = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "level": "ERROR"}
        record.update(error)
        sys.stdout.write(to_json(record) + "\n")
        return
    line = "[ERROR]"
    if error["errorType"]:
        line += " " + error["errorType"]
    if error["errorMessage"]:
        line += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [line, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        lines.extend(element.splitlines() or [""])
    sys.stdout.write("\n".join(lines) + "\n")


# --- handler ----------------------------------------------------------------


def load_handler(handler):
    """Imports the handler's module once and returns the handler function."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            "Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                "Runtime.BuiltInModuleConflict",
                "Cannot use built-in module %s as a handler module" % modname)
        name = modname.replace("/", ".")
        __import__(name)
        module = sys.modules[name]
    except ImportError as e:
        raise FaultException(
            "Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            "Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))


# --- logging ----------------------------------------------------------------

_request_id = ""
_tenant_id = None
# AWS_LAMBDA_LOG_FORMAT=JSON (the function's logging: {format: JSON}): the
# root logger and error reports write one JSON object per record.
_json_logs = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"

# LogRecord attributes that are not a record's extra fields (awslambdaric's
# list: a task name, set in asyncio code, is written as an extra field).
_RECORD_FIELDS = frozenset((
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process",
    "aws_request_id", "tenant_id"))


def json_log_record(logging, record):
    """A log record as the Lambda Python runtime writes it in JSON format:
    level rounded to a standard one, the exception's type, message, trace and
    location when there is one, the request (and tenant) id, then the
    record's extra fields; absent values left out."""
    level = min(50, max(0, record.levelno)) // 10 * 10
    out = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        + ".%03dZ" % int(record.msecs),
        "level": logging.getLevelName(level),
        "message": record.getMessage(),
        "logger": record.name,
    }
    exc = record.exc_info
    if exc and exc[0] is not None:
        import traceback

        out["stackTrace"] = traceback.format_tb(exc[2])
        out["errorType"] = exc[0].__name__
        out["errorMessage"] = str(exc[1])
    out["requestId"] = getattr(record, "aws_request_id", None)
    if exc and exc[0] is not None:
        out["location"] = "%s:%s:%s" % (record.pathname, record.funcName, record.lineno)
    if getattr(record, "tenant_id", None) is not None:
        out["tenantId"] = record.tenant_id
    for key, value in record.__dict__.items():
        if key not in _RECORD_FIELDS and key not in out:
            out[key] = value
    return log_json({k: v for k, v in out.items() if v is not None}) + "\n"


def setup_logging(logging):
    """Installs Lambda's root log handler: [LEVEL]\\ttime\\trequest id\\tmessage,
    or a JSON object per record in JSON format."""

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            sys.stdout.write(self.format(record))

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id
            record.tenant_id = _tenant_id
            return True

    class JsonFormatter(logging.Formatter):
        def format(self, record):
            return json_log_record(logging, record)

    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    if _json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(LambdaLoggerFilter())
    logging.getLogger().addHandler(handler)
    # Lambda's log levels name TRACE, which Python's logging does not: the
    # runtime (awslambdaric) logs it as DEBUG.
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper().replace("TRACE", "DEBUG")
    if level in logging._nameToLevel:
        logging.getLogger().setLevel(level)


class _LoggingLoader:
    """Wraps the `logging` module's loader to install Lambda's handler right
    after the module runs, before the importer gets it back."""

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        setup_logging(module)


class _LoggingFinder:
    """A one-shot meta path finder: awslambdaric imports `logging` at start,
    which costs ~15 ms of every cold start; here a handler that never logs
    through it does not pay, and one that does sees the same configuration."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(cls)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _LoggingLoader(spec.loader)
                return spec
        return None


def install_logging():
    """Configures logging now if something already imported it, else on first import."""
    if "logging" in sys.modules:
        setup_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingFinder)


# --- marshalling ------------------------------------------------------------


def marshal(result):
    if isinstance(result, bytes):
        return result, b"application/unknown"
    try:
        return to_json(result).encode(), b"application/json"
    except Exception as e:
        del _raw[:]  # the Decimals met before the failure
        raise FaultException(_MARSHAL_ERROR, "Unable to marshal response: %s" % e)


def unmarshal(body, content_type):
    if content_type is not None and content_type != b"application/json":
        return body
    try:
        return loads(body)
    except Exception as e:
        raise FaultException(_UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e)


# --- main loop --------------------------------------------------------------


def flush_stdio():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def handle(client, handler, headers, body):
    """Runs one invocation and returns its answer (response or error) to post."""
    global _request_id, _tenant_id
    rid = headers.get(b"lambda-runtime-aws-request-id", b"")
    _request_id = request_id = rid.decode()
    tenant = headers.get(b"lambda-runtime-aws-tenant-id")
    _tenant_id = tenant.decode() if tenant is not None else None
    trace = headers.get(b"lambda-runtime-trace-id")
    if trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace.decode()
    elif "_X_AMZN_TRACE_ID" in os.environ:
        del os.environ["_X_AMZN_TRACE_ID"]
    error = None
    try:
        context = LambdaContext(request_id, headers)
        event = unmarshal(body, headers.get(b"content-type"))
        result, content_type = marshal(handler(event, context))
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, request_id)
    except Exception:
        error = error_from_exception(request_id)
    if error is None:
        flush_stdio()
        return client.answer(b"invocation/" + rid + b"/response", result, content_type)
    log_error(error)
    flush_stdio()
    return client.answer(b"invocation/" + rid + b"/error", to_json(error).encode(),
                         error_type=error["errorType"])


# awslambdaric's lambda_unhandled_exception_warning_message (lambda_literals.py).
_UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function "
    "change, or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the "
    "INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to "
    "mitigate this error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


def warn_unhandled():
    """Logs the warning awslambdaric's bootstrap logs before an init error's
    report: a root logger warning, so the log format and level apply."""
    try:
        import logging

        logging.warning(_UNHANDLED_WARNING)
    except Exception:
        pass  # the init error's report matters more


def init(client):
    """Loads the handler, or reports an init error and exits like AWS does."""
    try:
        install_logging()
        return load_handler(os.environ.get("_HANDLER", ""))
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error = error_from_exception()
    warn_unhandled()
    log_error(error)
    flush_stdio()
    client.post(b"init/error", to_json(error).encode(), error_type=error["errorType"])
    sys.exit(1)


def main():
    # Line-buffer stdio so logs reach the engine line by line; they are also
    # flushed before every answer so each line lands in its own invocation.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except (AttributeError, ValueError):
            pass
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path[0] = task_root  # Lambda puts the task root first; drop ours
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    if os.environ.pop("LAMBDEV_HOLD", None) == "1":
        # A spare started ahead of a hot reload: the interpreter and this
        # bootstrap are loaded; the handler is imported only on the engine's
        # go-ahead, so it is the code on disk at that moment. EOF: not needed.
        if not sys.stdin.buffer.read(1):
            sys.exit(0)
    try:
        handler = init(client)
        answer = None
        while True:
            status, headers, body = client.next(answer)
            if status != 200:
                sys.exit("lambdev runtime: /next answered %d: %r" % (status, body))
            answer = handle(client, handler, headers, body)
    except (OSError, EOFError) as e:  # the Runtime API went away: nothing to report to
        flush_stdio()
        sys.exit("lambdev runtime: Runtime API unreachable: %s" % e)


if __name__ == "__main__":
    main()
