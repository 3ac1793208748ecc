"""The web scraper's own services (`jobs`: the rules the web API and admin call), admin and demo data.
Running a web job is `leads.engine.runner`."""
