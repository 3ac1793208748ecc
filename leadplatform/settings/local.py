"""Local development and `make run`: DEBUG on by default, everything embedded."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
