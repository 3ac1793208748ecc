"""API surfaces of the scraping app."""
