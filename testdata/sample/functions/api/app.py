import os
import platform


def handler(event, context):
    """Greets whoever is named in the event or the query string."""
    query = event.get("queryStringParameters") or {}
    name = event.get("name") or query.get("name") or "world"
    print(f"greeting {name}")
    return {
        "message": f"{os.environ.get('GREETING', 'hello')}, {name}!",
        "requestId": context.aws_request_id,
        "python": platform.python_version(),
    }
