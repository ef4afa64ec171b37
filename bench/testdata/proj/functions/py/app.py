# The benchmark's Python handler: echoes the event with a version marker
# that the hot-reload benchmark rewrites.
VERSION = "v0"


def handler(event, context):
    return {"v": VERSION, "event": event}
