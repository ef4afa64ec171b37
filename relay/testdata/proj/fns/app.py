import time


def echo(event, context):
    # Returns the event untouched, and the request id so tests can check it.
    return {"requestId": context.aws_request_id, "event": event}


class ValidationError(Exception):
    pass


def fail(event, context):
    raise ValidationError("bad input: " + str(event.get("why", "none")))


def slow(event, context):
    print("slow started", flush=True)
    time.sleep(float(event.get("seconds", 30)))
    return "woke"


def tenant(event, context):
    return {"tenant": context.tenant_id}
