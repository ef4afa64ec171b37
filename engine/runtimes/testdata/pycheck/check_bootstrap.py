"""Checks the embedded bootstrap against the json module (run by
python_bootstrap_test.go as: python -I -S check_bootstrap.py BOOTSTRAP_DIR).

The bootstrap builds json.loads and JSONEncoder.encode from the `_json`
accelerator itself, to keep `json` (and `re`, `enum`...) out of every cold
start; here both must agree with the json module, results and errors alike.
"""
import sys
sys.path.insert(0, sys.argv[1])
import lambdev_bootstrap as b
heavy = [m for m in ("json", "re", "enum", "socket", "selectors", "logging", "traceback") if m in sys.modules]
assert not heavy, "importing the bootstrap imported %s" % heavy
import json, decimal
cases = [b'{"k":"v"}', b'  [1, 2.5, -3e10, true, false, null, "\\u00e9\\ud83d\\ude00"]  \n', b'"x"', b'12', b'NaN', b'[Infinity,-Infinity]',
         b'', b' ', b'{"a":', b'{"a":1} x', b'\xef\xbb\xbf{"a":1}', '{"a":1}'.encode('utf-16'), b'{"a":"\xff"}', "{\"é\":\"ü\"}".encode(), b'{"a":"\x01"}', bytearray(b'[1]'), b'1 2', b'{"a":1,"a":2}']
for c in cases:
    try:
        want = ("ok", json.loads(c))
    except Exception as e:
        want = ("err", type(e).__name__, str(e))
    try:
        got = ("ok", b.loads(c))
    except Exception as e:
        got = ("err", type(e).__name__, str(e))
    assert repr(got) == repr(want), (c, got, want)
enc = json.JSONEncoder(ensure_ascii=b._ascii, default=b._json_default).encode
log_enc = json.JSONEncoder(ensure_ascii=False, default=b._log_default).encode
class X: pass
circ = []; circ.append(circ)
for o in ["é\u2028", {"a": [1, 2.5, float("nan"), None, True]}, {1: "x", 2.0: "y", None: 1, True: 2}, X(), circ, {(1,2): 3}, 10**30, float("inf"), (1, 2), {"nested": {"x": ["y"]}}, {decimal.Decimal("1"): 2}, {"d": [decimal.Decimal("1.5")]}]:
    def run(f):
        try: return ("ok", f(o))
        except Exception as e: return ("err", type(e).__name__, str(e))
    if not isinstance(o, dict) or "d" not in o:  # Decimals: checked below
        assert run(b.to_json) == run(enc), (o, run(b.to_json), run(enc))
    assert run(b.log_json) == run(log_enc), (o, run(b.log_json), run(log_enc))
    assert not b._raw, (o, b._raw)
# Decimals as awslambdaric's simplejson writes them: exact text, NaN for any NaN.
D = decimal.Decimal
for o, want in [(D("1.10"), "1.10"), ([D("12345678901234567890.123456789"), D("1E+2"), D("-0")], "[12345678901234567890.123456789, 1E+2, -0]"),
                ({"n": (D("sNaN"), D("-NaN"), D("Infinity"), D("-Infinity"))}, '{"n": [NaN, NaN, Infinity, -Infinity]}')]:
    assert b.to_json(o) == want and not b._raw, (o, b.to_json(o), want)
print(sys.version_info[:2], "equivalent on", len(cases), "inputs")

# The client's pipelined POST + GET /next against a server that closes the
# connection after answering the POST (Connection: close): the GET it sent
# along is lost, so the client must ask again on a new connection.
import socket, threading

srv = socket.socket()
srv.settimeout(10)  # a client that never comes back fails the check, not hangs it
srv.bind(("127.0.0.1", 0))
srv.listen(2)
seen = []


def serve():
    conn, _ = srv.accept()  # first connection: POST + pipelined GET, answered then closed
    data = b""
    while data.count(b"\r\n\r\n") < 2:
        data += conn.recv(65536)
    seen.append(data)
    conn.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    conn.close()
    conn, _ = srv.accept()  # second connection: the GET again
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    seen.append(data)
    conn.sendall(b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r2\r\nContent-Length: 7\r\n\r\n{\"n\":2}")
    conn.close()


t = threading.Thread(target=serve, daemon=True)
t.start()
client = b.RuntimeClient("127.0.0.1:%d" % srv.getsockname()[1])
status, headers, body = client.next(client.answer(b"invocation/r1/response", b'"done"'))
t.join(10)
assert (status, headers.get(b"lambda-runtime-aws-request-id"), body) == (200, b"r2", b'{"n":2}'), (status, headers, body)
assert seen[0].startswith(b"POST /2018-06-01/runtime/invocation/r1/response ") and seen[0].endswith(
    b'"done"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n' % srv.getsockname()[1]), seen[0]
assert seen[1].startswith(b"GET /2018-06-01/runtime/invocation/next "), seen[1]
print(sys.version_info[:2], "pipelined answer survives a close after the POST")
