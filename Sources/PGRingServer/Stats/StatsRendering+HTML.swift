import Foundation

extension StatsRendering {
    /// The `/` page: self-contained HTML (inline CSS and JS, no external assets). It shows the snapshot it
    /// was rendered with at once (shard names are in the markup), then polls `/stats` every 2 s and draws the
    /// shards with their primary and replicas, health and lag, pool usage bars, request rates and mean
    /// latency computed from successive totals, and each shard's share of the ring keyspace.
    public static func statsPage(snapshot: StatsSnapshot, totals: MetricsTotals, now: Date = Date()) -> String {
        let initialJSON = statsJSON(snapshot: snapshot, totals: totals, now: now)
            .replacingOccurrences(of: "<", with: "\\u003c")
        let shardItems = snapshot.shards.map { shard in
            "<li>\(htmlEscape(shard.name)) <small>primary \(htmlEscape(shard.primary.address))</small></li>"
        }.joined()
        return pageHead
            + "<header><h1>pgring</h1><span id=\"meta\">version \(htmlEscape(snapshot.version)) · ring v\(snapshot.ring.version)</span>"
            + "<span id=\"status\" class=\"pill\">loading</span></header>\n"
            + "<main><section><h2>Shards</h2><div id=\"shards\"><ul>\(shardItems)</ul></div></section>\n"
            + "<section><h2>Traffic</h2><div id=\"traffic\"></div></section>\n"
            + "<section><h2>Pools</h2><div id=\"pools\"></div></section></main>\n"
            + "<script id=\"initial\" type=\"application/json\">\(initialJSON)</script>\n"
            + "<script>\n\(pageScript)\n</script></body></html>\n"
    }

    /// `&`, `<`, `>`, `"` and `'` as HTML entities.
    static func htmlEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private static let pageHead = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>pgring stats</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
        header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#1d2330;color:#fff}
        header h1{font-size:18px;margin:0}
        main{padding:12px 20px;display:grid;gap:14px}
        section{background:#fff;border-radius:8px;padding:10px 14px;box-shadow:0 1px 2px #0002}
        h2{font-size:15px;margin:4px 0 8px}
        .pill{padding:2px 10px;border-radius:10px;background:#888;font-size:12px}
        .ok{background:#2e9d5b;color:#fff}.bad{background:#d0453a;color:#fff}.unk{background:#999;color:#fff}
        .shards{display:flex;flex-wrap:wrap;gap:10px}
        .shard{border:1px solid #dde;border-radius:6px;padding:8px 10px;min-width:240px}
        .srv{display:flex;gap:6px;align-items:center;margin:2px 0}
        .dot{width:10px;height:10px;border-radius:5px;display:inline-block}
        .bar{background:#e6e8ee;border-radius:4px;height:10px;position:relative;min-width:120px}
        .bar>i{position:absolute;left:0;top:0;bottom:0;border-radius:4px;background:#3a6fd0}
        table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;text-align:left;border-bottom:1px solid #eee}
        th{font-weight:600;font-size:12px;color:#556}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        small{color:#667}
        </style></head><body>

        """

    private static let pageScript = """
        "use strict";
        let previous = null;
        const el = (id) => document.getElementById(id);
        const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;","\\"":"&quot;","'":"&#39;"})[c]);
        const health = (r) => r === true ? ["ok","up"] : r === false ? ["bad","down"] : ["unk","unknown"];
        const pct = (x) => (100 * x).toFixed(1) + "%";
        const bar = (used, limit) => { const f = limit > 0 ? Math.min(1, used / limit) : 0;
          return '<div class="bar" title="' + used + ' / ' + limit + '"><i style="width:' + (100 * f).toFixed(1) + '%"></i></div>'; };
        const ms = (s) => s == null ? "–" : (1000 * s).toFixed(2) + " ms";
        const rate = (x) => x == null ? "–" : x.toFixed(1);
        function lagText(r) {
          const parts = [];
          if (r.lag_bytes != null) parts.push(r.lag_bytes + " B");
          if (r.lag_seconds != null) parts.push(r.lag_seconds.toFixed(2) + " s");
          return parts.length ? "lag " + parts.join(", ") : "lag unknown";
        }
        function server(label, s, extra) {
          const [cls, word] = health(s.reachable);
          return '<div class="srv"><span class="dot ' + cls + '"></span><b>' + label + '</b> ' + esc(s.address) +
            ' <small>' + word + (extra ? ' · ' + extra : '') + '</small></div>';
        }
        function keyed(rows) { const m = {}; for (const r of rows || []) m[r.shard + "/" + r.role] = r; return m; }
        function renderShards(d) {
          el("shards").innerHTML = '<div class="shards">' + d.shards.map((s) =>
            '<div class="shard"><div><b>' + esc(s.name) + '</b> <small>weight ' + s.weight + '</small></div>' +
            '<div class="srv"><small>keyspace ' + pct(s.keyspace_share) + '</small>' + bar(s.keyspace_share, 1) + '</div>' +
            server("primary", s.primary) + s.replicas.map((r) => server("replica", r, lagText(r))).join("") +
            '</div>').join("") + '</div>';
        }
        function renderTraffic(d, p, dt) {
          const q = keyed(d.totals.queries), t = keyed(d.totals.transactions);
          const pq = p ? keyed(p.totals.queries) : {}, pt = p ? keyed(p.totals.transactions) : {};
          const keys = Array.from(new Set(Object.keys(q).concat(Object.keys(t)))).sort();
          const per = (cur, old) => (p && dt > 0 && cur) ? (cur.count - (old ? old.count : 0)) / dt : null;
          const lat = (cur, old) => { if (!cur) return null; const n = cur.count - (old ? old.count : 0);
            const s = cur.seconds_sum - (old ? old.seconds_sum : 0); return (p && n > 0) ? s / n : (cur.count > 0 ? cur.seconds_sum / cur.count : null); };
          const tot = d.totals, pt0 = p ? p.totals : null;
          const bytesRate = (k) => (pt0 && dt > 0) ? rate((tot[k] - pt0[k]) / dt) + " B/s" : "–";
          let html = '<p>clients: ' + d.clients.total + ' (active ' + d.clients.active + ', idle ' + d.clients.idle +
            ', waiting ' + d.clients.waiting + ') · in ' + bytesRate("client_received_bytes") + ' · out ' + bytesRate("client_sent_bytes") +
            ' · errors ' + tot.errors.reduce((a, e) => a + e.count, 0) + '</p>';
          html += '<table><tr><th>shard / role</th><th class="num">queries/s</th><th class="num">query latency</th>' +
            '<th class="num">transactions/s</th><th class="num">transaction latency</th></tr>';
          for (const k of keys) html += '<tr><td>' + esc(k) + '</td><td class="num">' + rate(per(q[k], pq[k])) +
            '</td><td class="num">' + ms(lat(q[k], pq[k])) + '</td><td class="num">' + rate(per(t[k], pt[k])) +
            '</td><td class="num">' + ms(lat(t[k], pt[k])) + '</td></tr>';
          if (!keys.length) html += '<tr><td colspan="5"><small>no queries yet</small></td></tr>';
          el("traffic").innerHTML = html + '</table>';
        }
        function renderPools(d) {
          let html = '<table><tr><th>pool</th><th>shard</th><th>role</th><th>server</th><th>mode</th><th>usage</th>' +
            '<th class="num">active</th><th class="num">idle</th><th class="num">connecting</th><th class="num">limit</th>' +
            '<th class="num">waiting</th><th class="num">oldest wait</th></tr>';
          for (const p of d.pools) html += '<tr><td>' + esc(p.pool) + '</td><td>' + esc(p.shard) + '</td><td>' + p.role +
            '</td><td>' + esc(p.server) + '</td><td>' + esc(p.mode) + '</td><td>' + bar(p.active + p.idle + p.connecting, p.size_limit) +
            '</td><td class="num">' + p.active + '</td><td class="num">' + p.idle + '</td><td class="num">' + p.connecting +
            '</td><td class="num">' + p.size_limit + '</td><td class="num">' + p.waiting_clients + '</td><td class="num">' +
            (p.oldest_wait_seconds == null ? "–" : p.oldest_wait_seconds.toFixed(2) + " s") + '</td></tr>';
          if (!d.pools.length) html += '<tr><td colspan="12"><small>no pools yet</small></td></tr>';
          el("pools").innerHTML = html + '</table>';
        }
        function render(d) {
          const dt = previous ? d.captured_at_unix_seconds - previous.captured_at_unix_seconds : 0;
          el("meta").textContent = "version " + d.version + " · ring v" + d.ring.version + " " + d.ring.fingerprint +
            " · up " + Math.round(d.uptime_seconds) + " s";
          const s = el("status"); s.className = "pill " + (d.ready ? "ok" : "bad"); s.textContent = d.ready ? "ready" : "not ready";
          renderShards(d); renderTraffic(d, previous, dt); renderPools(d);
          previous = d;
        }
        async function poll() {
          try { const r = await fetch("stats", {cache: "no-store"}); if (r.ok) render(await r.json()); }
          catch (e) { const s = el("status"); s.className = "pill bad"; s.textContent = "unreachable"; }
        }
        try { render(JSON.parse(el("initial").textContent)); } catch (e) {}
        setInterval(poll, 2000);
        """
}
