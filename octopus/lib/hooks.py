"""How a lower app tells higher ones that something happened, without knowing them (DESIGN.md §3).

A `Hook` is declared by the app that acts (`merged = Hook("people.merged")`), and an app above it registers a
function in its `AppConfig.ready()`. `run` calls them in the order they registered, inside the caller's transaction:
a function that raises refuses the whole action and nothing is saved. This is the one mechanism: no Django signal
does domain work.
"""

from collections.abc import Callable


class Hook:
    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self._functions: list[Callable[..., None]] = []

    def register(self, function: Callable[..., None]) -> Callable[..., None]:
        """Add `function` (once, however often `ready()` runs); usable as a decorator."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def run(self, *args, **kwargs) -> None:
        for function in self._functions:
            function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._functions)} registered)"
