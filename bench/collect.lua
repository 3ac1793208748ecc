-- wrk script of bench/collect.py: beacons as the tracking snippet sends them.
--   wrk -s bench/collect.lua http://HOST/api/intel/v1/collect/ -- SITE_KEY DOMAIN
-- Each wrk thread keeps a pool of open sessions. About 30 % of the beacons start a new session
-- (a landing page with UTM parameters and a search referrer); the others continue an open one
-- (the previous page's leave plus the next page view). One beacon in twenty also identifies.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local site_key, domain
local sessions, counter = {}, 0
local POOL = 500
local PATHS = { "/pricing", "/tents", "/tents/ultralight", "/blog/camping-checklist", "/contact", "/checkout" }
local SOURCES = { "news", "google", "facebook", "partner" }

function init(args)
  site_key, domain = args[1], args[2]
  math.randomseed(os.time() * 100 + thread_number)
end

local function new_id(prefix)
  counter = counter + 1
  return string.format("%s-%d-%d-%08x", prefix, thread_number, counter, math.random(0, 0x7fffffff))
end

local function page(id, at, url, referrer)
  return string.format('{"type":"page","id":"%s","at":%d,"url":"%s","title":"Bench page","referrer":"%s"}',
    id, at, url, referrer)
end

local function open_session()
  local session = { visitor = new_id("v"), key = new_id("s") }
  if #sessions < POOL then
    table.insert(sessions, session)
  else
    sessions[math.random(#sessions)] = session
  end
  return session
end

function request()
  local sent = os.time() * 1000
  local at = sent - math.random(0, 3000)
  local actions = {}
  local session
  if #sessions == 0 or math.random() < 0.3 then
    session = open_session()
    session.url = string.format("https://%s/?utm_source=%s&utm_medium=cpc&utm_campaign=bench", domain,
      SOURCES[math.random(#SOURCES)])
    session.page = new_id("p")
    table.insert(actions, page(session.page, at, session.url, "https://search.example/?q=tents"))
  else
    session = sessions[math.random(#sessions)]
    table.insert(actions, string.format('{"type":"leave","id":"%s","at":%d,"time_on_page":%d}',
      session.page, at - 1, math.random(1, 120)))
    local url = string.format("https://%s%s", domain, PATHS[math.random(#PATHS)])
    session.page = new_id("p")
    table.insert(actions, page(session.page, at, url, session.url))
    session.url = url
  end
  if math.random() < 0.05 then
    table.insert(actions, string.format('{"type":"identify","id":"%s","at":%d,"email":"visitor%d@firm%d.example","name":"Bench Visitor"}',
      new_id("i"), at, math.random(1, 100000), math.random(1, 500)))
  end
  local body = string.format('{"site_key":"%s","visitor":"%s","session":"%s","sent":%d,"actions":[%s]}',
    site_key, session.visitor, session.key, sent, table.concat(actions, ","))
  return wrk.format("POST", wrk.path, { ["Content-Type"] = "text/plain;charset=UTF-8" }, body)
end
