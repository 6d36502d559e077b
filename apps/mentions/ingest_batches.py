from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any


def chunked(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most `size` values, read lazily (a file's records as well as a list)."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk
