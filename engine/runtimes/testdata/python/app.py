import json
import os


def echo(event, context):
    print("echo", json.dumps(event))
    return event


def ctx(event, context):
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 60000,
        "cognito_identity_id": context.identity.cognito_identity_id,
        "cognito_identity_pool_id": context.identity.cognito_identity_pool_id,
        "client_custom": context.client_context.custom if context.client_context else None,
        "client_installation_id": (
            context.client_context.client.installation_id if context.client_context else None
        ),
        "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
        "task_root_first": __import__("sys").path[0] == os.environ["LAMBDA_TASK_ROOT"],
    }


def fail(event, context):
    raise ValueError("boom")


def unserialisable(event, context):
    return {"s": {1, 2}}


def raw(event, context):
    return b"\x00raw"


def text(event, context):
    return "héllo"


def log(event, context):
    import logging

    logging.getLogger().warning("via logging")
    logging.getLogger().debug("debug detail")
    print("partial", end="")
    return None


def big(event, context):
    return {"len": len(json.dumps(event, separators=(",", ":"))), "pad": "x" * event.get("size", 0)}


def jsonlog(event, context):
    import logging

    log = logging.getLogger("app")
    log.debug("hidden")
    log.info("hello %s", "json", extra={"orderId": 7})
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("caught")
    print("plain print")
    if event.get("fail"):
        raise KeyError("missing")
    return None


def decimals(event, context):
    """Decimals, as boto3 returns DynamoDB numbers, in the result."""
    from decimal import Decimal

    case = event.get("case")
    if case == "top":
        return Decimal("3.14")
    if case == "key":
        return {Decimal("1"): "one"}
    if case == "unserialisable":
        return {"d": Decimal("1.5"), "s": {1}}
    return {
        "price": Decimal("1.10"),
        "big": Decimal("12345678901234567890.123456789"),
        "sci": Decimal("1E+2"),
        "small": Decimal("1E-7"),
        "nan": Decimal("NaN"),
        "snan": Decimal("sNaN"),
        "negnan": Decimal("-NaN"),
        "inf": Decimal("Infinity"),
        "-inf": Decimal("-Infinity"),
        "nested": [{"zero": Decimal("-0.00")}],
        "tuple": (Decimal("0.1"),),
        "text": 'say "1.10"',
    }


def unicodelog(event, context):
    import logging

    logging.getLogger("app").info("héllo ✓ 😀", extra={"city": "Zürich"})
    raise ValueError("naïve")


def w3c(event, context):
    context.w3c()["traceparent"] = "changed"  # a copy: the next call is untouched
    custom = context.client_context.custom if context.client_context else None
    return {"w3c": context.w3c(), "custom": custom}
