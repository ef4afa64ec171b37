import os
import sys
import time


def echo(event, context):
    return {"event": event, "requestId": context.aws_request_id, "pid": os.getpid()}


def logs(event, context):
    # Each line names its own invocation so tests can check attribution.
    for i in range(int(event.get("lines", 3))):
        print(f"{event['tag']} line {i}")
    sys.stderr.write(f"{event['tag']} to stderr\n")
    sys.stdout.write(f"{event['tag']} no newline")
    return {"tag": event["tag"]}


def slow(event, context):
    time.sleep(float(event.get("seconds", 30)))
    return "woke"


def crash(event, context):
    print("about to crash", flush=True)
    os._exit(int(event.get("code", 3)))


class ValidationError(Exception):
    pass


def fail(event, context):
    raise ValidationError("bad input: " + str(event.get("why", "none")))


def big(event, context):
    return "x" * int(event["size"])


_tenants = []  # every tenant this worker served, in order


def tenant(event, context):
    _tenants.append(context.tenant_id)
    return {"tenant": context.tenant_id, "pid": os.getpid(), "served": _tenants}


def jsonlogs(event, context):
    import logging

    logging.getLogger().info("quiet")
    logging.getLogger().warning("loud")
    return {"group": context.log_group_name, "format": os.environ.get("AWS_LAMBDA_LOG_FORMAT"),
            "level": os.environ.get("AWS_LAMBDA_LOG_LEVEL")}
