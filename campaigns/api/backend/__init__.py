"""Campaign backend endpoints (the campaign API, Backend Endpoints): /api/… with API tokens."""
