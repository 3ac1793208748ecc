"""The web crawl engine: HTTP (aiohttp) and browser (Playwright + system Chromium).

- `spec`: a job's crawl settings and the validation of `config` and `selectors`.
- `extract`: parsel-syntax selectors compiled to lxml XPath; the script-rendered heuristic.
- `robots`: robots.txt per origin.
- `proxies`: rotation and blocks inside one crawl.
- `browser`: the browser engine; every request it makes goes through the guarded client.
- `crawler`: the async crawl loop (own thread and event loop, no database access).
- `runner`: runs a job: claims it, stores batches, finishes it, emits its webhook event.
"""
