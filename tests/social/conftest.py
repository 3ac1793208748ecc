"""The social tests reuse the leads tests' fast limits and fake servers."""

from tests.leads.conftest import fast_connectors, serve  # noqa: F401
