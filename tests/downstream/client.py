"""The downstream project's own module called `client`: installing nemo-emulator must not shadow it."""

WHO = "downstream"


def greet() -> str:
    return "hello from the downstream project's own client module"
