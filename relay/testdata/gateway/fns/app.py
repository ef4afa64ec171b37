import json


def echo(event, context):
    print("echo handler called")
    custom = None
    if context.client_context is not None:
        custom = getattr(context.client_context, "custom", None)
    return {"event": event, "custom": custom}


def fail(event, context):
    return {}["missing"]


def web(event, context):
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json", "X-Echo": "1"},
        "cookies": ["a=1; Path=/", "b=2; Path=/"],
        "body": json.dumps(event),
    }


def plain(event, context):
    return "Hello, world!"


def tenant(event, context):
    return {"tenant": context.tenant_id, "event": event}
