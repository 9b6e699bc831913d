-- cimreq.lua -- wrk script that POSTs one fixed CIM-XML request body.
-- Adapted from /work/shared/bench/cim/cimxml.lua (same CIMCHECK accounting);
-- the body is read from a file so any intrinsic operation can be measured.
--
-- usage: wrk ... -s cimreq.lua URL -- BODYFILE CIMMETHOD CIMOBJECT
-- Prints: CIMCHECK responses=<n> cim_errors=<n> not_response=<n>

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = 'application/xml; charset="utf-8"'
  wrk.headers["CIMOperation"] = "MethodCall"
  wrk.headers["CIMMethod"] = args[2]
  wrk.headers["CIMObject"] = args[3]
  nresp, ncimerr, nnotresp = 0, 0, 0
end

function response(status, headers, body)
  nresp = nresp + 1
  if status ~= 200 or not body then
    nnotresp = nnotresp + 1
  elseif string.find(body, "<ERROR", 1, true) then
    ncimerr = ncimerr + 1
  elseif not string.find(body, "METHODRESPONSE", 1, true) then
    nnotresp = nnotresp + 1
  end
end

function done(summary, latency, requests)
  local r, e, n = 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + (t:get("nresp") or 0)
    e = e + (t:get("ncimerr") or 0)
    n = n + (t:get("nnotresp") or 0)
  end
  io.write(string.format("CIMCHECK responses=%d cim_errors=%d not_response=%d\n", r, e, n))
end
