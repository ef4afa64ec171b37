import not_a_real_module  # noqa: F401


def handler(event, context):
    return 1
