import json
import platform


def handler(event, context):
    """Answers a function URL request with where it ran."""
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({
            "function": context.function_name,
            "python": platform.python_version(),
            "path": event.get("rawPath", "/"),
        }),
    }
