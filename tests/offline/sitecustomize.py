"""Python subprocesses started by the tests load this (PYTHONPATH): no lookups leave the machine."""

from network import block_name_lookups

block_name_lookups()
