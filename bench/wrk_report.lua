-- wrk's report as one JSON line (bench/http.py): requests per second and percentiles (ms).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "requests": %d, "errors": %d, "non2xx": %d}\n',
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
