"""Campaign backend endpoints (seed 003, Backend Endpoints): /api/… with API tokens."""
