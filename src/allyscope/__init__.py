from allyscope.errors import AllyscopeError
from allyscope.states import resolve
__all__ = ["AllyscopeError", "resolve"]
