/**
 * The page's script, served as `/app.js` (the Content-Security-Policy
 * allows only scripts from the server itself). It draws the model the
 * server streams on `/api/stream`: text is set with `textContent` only,
 * charts are plain SVG built with DOM calls, so nothing in a run's data can
 * become markup. No library: the page works without internet.
 */
export const DASHBOARD_SCRIPT = String.raw`"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var token = document.querySelector('meta[name="workflowmaster-token"]').getAttribute("content");
  var model = null;
  var recent = [];
  var drawn = {};

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function sv(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (key) {
      if (attrs[key] !== undefined && attrs[key] !== null) node.setAttribute(key, String(attrs[key]));
    });
  }
  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function percent(x) { return (Math.round(x * 1000) / 10) + "%"; }
  function duration(ms) {
    var s = Math.round(ms / 1000);
    if (s < 60) return s + " s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + " min" + (s % 60 ? " " + (s % 60) + " s" : "");
    return Math.floor(m / 60) + " h" + (m % 60 ? " " + (m % 60) + " min" : "");
  }
  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1048576) return (n / 1024).toFixed(1) + " KiB";
    return (n / 1048576).toFixed(1) + " MiB";
  }
  function time(iso) { return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : ""; }
  // Redraws a section only when its part of the model changed, so a button
  // being clicked is not replaced under the pointer.
  function section(id, data, draw) {
    var key = JSON.stringify(data);
    if (drawn[id] === key) return;
    drawn[id] = key;
    var node = $(id);
    clear(node);
    draw(node, data);
  }

  function drawProblems(node, problems) {
    $("problems-section").hidden = problems.length === 0;
    problems.forEach(function (p) {
      node.append(el("li", { "data-run-id": p.runId }, p.runId ? "Run " + p.runId + ": " : "", p.message));
    });
  }

  function drawAlerts(node, alerts) {
    if (alerts.length === 0) { node.append(el("li", { "class": "empty" }, "No active alerts.")); return; }
    alerts.forEach(function (a) {
      var button = el("button", { type: "button", "class": "ack" }, "Acknowledge");
      button.addEventListener("click", function () { acknowledge(a, button); });
      node.append(el("li", { "class": "alert", "data-run-id": a.runId, "data-code": a.code, "data-level": a.level },
        el("span", { "class": "level" }, a.level), " ", el("code", null, a.code), " run ",
        el("code", null, a.runId), ": ", a.message, button));
    });
  }

  function acknowledge(alert, button) {
    button.disabled = true;
    var status = $("ack-status");
    status.textContent = "Acknowledging " + alert.code + " of run " + alert.runId + "…";
    fetch("/api/alerts/ack", {
      method: "POST",
      headers: { "content-type": "application/json", "x-workflowmaster-token": token },
      body: JSON.stringify({ runId: alert.runId, code: alert.code })
    }).then(function (response) {
      return response.text().then(function (text) {
        if (response.ok) {
          status.textContent = "Acknowledged " + alert.code + " of run " + alert.runId + ".";
        } else {
          status.textContent = text.trim();
          button.disabled = false;
        }
      });
    }, function (error) {
      status.textContent = "The acknowledgement did not reach the dashboard: " + error.message;
      button.disabled = false;
    });
  }

  function drawRuns(node, runs) {
    if (runs.length === 0) { node.append(el("p", { "class": "empty" }, "No runs in this repository yet.")); return; }
    runs.forEach(function (run) {
      var rows = run.phases.map(function (p) {
        return el("tr", { "data-phase": p.name, "data-status": p.status },
          el("td", null, p.name), el("td", { "class": "status" }, p.status), el("td", null, p.attempts));
      });
      node.append(el("article", { "class": "run", "data-run-id": run.runId, "data-state": run.state },
        el("h3", null, el("code", null, run.runId), " ", el("span", { "class": "state" }, run.state),
          run.title ? " — " + run.title : ""),
        el("p", { "class": "stats" },
          "started " + time(run.startedAt) + " · updated " + time(run.updatedAt) +
          " · retries " + run.retries +
          " · error rate " + (run.attemptsEnded ? percent(run.attemptsFailed / run.attemptsEnded) : "–") +
          " · waited on rate limits " + duration(run.timeWaitingMs) +
          " · resumes " + run.resumes + " · recoveries " + run.recoveries),
        rows.length === 0 ? el("p", { "class": "empty" }, "No phase has started yet.") :
          el("table", null, el("thead", null, el("tr", null, el("th", null, "phase"), el("th", null, "status"), el("th", null, "attempts"))),
            el("tbody", null, rows)),
        run.lastError ? el("div", { "class": "error" }, el("div", null, el("code", null, run.lastError.code), ": ", run.lastError.message),
          el("div", null, "What to do: ", run.lastError.guidance), run.lastError.command ? el("div", null, "Next: ", el("code", null, run.lastError.command)) : null) : null));
    });
  }

  function drawHealth(node, health) {
    node.append(el("dl", null,
      el("dt", null, "error rate (all runs)"), el("dd", { "data-field": "error-rate" }, health.attemptsEnded ? percent(health.errorRate) + " of " + health.attemptsEnded + " attempts" : "no attempts yet"),
      el("dt", null, "retries"), el("dd", { "data-field": "retries" }, health.retries),
      el("dt", null, "time waiting on rate limits"), el("dd", { "data-field": "rate-limit-wait" }, duration(health.timeWaitingMs))));
  }

  function drawHealthChart(node, health) {
    var points = health.series;
    if (points.length === 0) { node.append(el("p", { "class": "empty" }, "No events yet.")); return; }
    var W = 600, H = 200, L = 40, R = 40, T = 10, B = 30;
    var maxRetries = Math.max(1, Math.max.apply(null, points.map(function (p) { return p.retries + p.attemptsFailed; })));
    var step = (W - L - R) / points.length;
    var chart = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Error rate and retries per " + duration(health.bucketMs) });
    chart.append(sv("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#d0d7de" }));
    chart.append(sv("text", { x: 2, y: T + 8 }, maxRetries));
    chart.append(sv("text", { x: W - R + 4, y: T + 8 }, "100%"));
    chart.append(sv("text", { x: L, y: H - 8 }, time(points[0].at)));
    chart.append(sv("text", { x: W - R, y: H - 8, "text-anchor": "end" }, "per " + duration(health.bucketMs)));
    var line = [];
    points.forEach(function (p, i) {
      var x = L + i * step;
      var h = (p.retries / maxRetries) * (H - T - B);
      if (p.retries > 0) chart.append(sv("rect", { x: x + 1, y: H - B - h, width: Math.max(1, step - 2), height: h, fill: "#54aeff" },
        sv("title", null, time(p.at) + ": " + p.retries + " retries")));
      if (p.attemptsEnded > 0) {
        var rate = p.attemptsFailed / p.attemptsEnded;
        line.push((x + step / 2) + "," + (H - B - rate * (H - T - B)));
        chart.append(sv("circle", { cx: x + step / 2, cy: H - B - rate * (H - T - B), r: 3, fill: "#cf222e" },
          sv("title", null, time(p.at) + ": " + percent(rate) + " of " + p.attemptsEnded + " attempts failed")));
      }
    });
    if (line.length > 1) chart.append(sv("polyline", { points: line.join(" "), fill: "none", stroke: "#cf222e", "stroke-width": 1.5 }));
    node.append(chart, el("p", { "class": "stats" }, "Bars: retries (left axis). Dots: share of phase attempts that failed (right axis)."));
  }

  function drawRecovery(node, r) {
    [["state recoveries at start-up (run.recovered)", r.recovered],
     ["bytes dropped from torn journals", bytes(r.droppedBytes)],
     ["snapshots rejected", r.snapshotsRejected],
     ["resumes", r.resumes],
     ["resumed after an interruption or kill", r.resumedAfterInterruption],
     ["resumed after a pause", r.resumedAfterPause],
     ["runs resumed at least once", r.runsResumed]].forEach(function (row) {
      node.append(el("dt", null, row[0]), el("dd", null, row[1]));
    });
  }

  function bars(rows, max, format, target) {
    // rows: [label, value, ok]; one horizontal bar each, with a target mark.
    var W = 600, rowH = 22, L = 190, R = 70;
    var chart = sv("svg", { viewBox: "0 0 " + W + " " + (rows.length * rowH + 6), role: "img" });
    rows.forEach(function (row, i) {
      var y = i * rowH + 3;
      var w = max > 0 ? (row[1] / max) * (W - L - R) : 0;
      chart.append(sv("text", { x: L - 6, y: y + 14, "text-anchor": "end" }, row[0]));
      chart.append(sv("rect", { x: L, y: y, width: Math.max(1, w), height: rowH - 6, fill: row[2] ? "#2da44e" : "#cf222e" },
        sv("title", null, row[0] + ": " + format(row[1]))));
      chart.append(sv("text", { x: L + w + 4, y: y + 14 }, format(row[1])));
      if (row[3] !== undefined) {
        var tx = L + (row[3] / max) * (W - L - R);
        chart.append(sv("line", { x1: tx, y1: y - 2, x2: tx, y2: y + rowH - 4, stroke: "#24292f", "stroke-width": 2 },
          sv("title", null, "target " + format(row[3]))));
      }
    });
    return chart;
  }

  function drawChaos(node, chaos) {
    if (chaos.status === "absent") { node.append(el("p", { "class": "empty" }, "No chaos report found at ", el("code", null, chaos.path), ". Run ", el("code", null, "pnpm chaos"), " to make one.")); return; }
    if (chaos.status === "unreadable") { node.append(el("p", { "class": "error" }, "The chaos report at ", el("code", null, chaos.path), " could not be used: ", chaos.message)); return; }
    node.append(el("p", null, chaos.runs + " runs over " + chaos.seeds + " seeds, " + chaos.failedRuns + " failed. Gate: ",
      el("strong", null, chaos.gate.passed ? "passed" : "missed " + chaos.gate.missed.join(", ")), " (", el("code", null, chaos.path), ")"));
    var shares = chaos.metrics.filter(function (m) { return m.unit === "share"; });
    node.append(el("figure", null, el("figcaption", null, "Gated shares against their targets"), el("div", { "class": "chart", id: "chart-chaos-metrics" },
      bars(shares.map(function (m) { return [m.name, m.value, m.ok, m.target]; }), 1, percent))));
    var counts = chaos.metrics.filter(function (m) { return m.unit === "count"; });
    node.append(el("p", null, counts.map(function (m) { return m.name + " " + m.value + " (at most " + m.target + ")"; }).join(" · ")));
    var times = [["detect p50", chaos.timeToDetectMs.p50], ["detect p95", chaos.timeToDetectMs.p95, chaos.targets.timeToDetectMs], ["detect max", chaos.timeToDetectMs.max],
      ["recover p50", chaos.timeToRecoverMs.p50], ["recover p95", chaos.timeToRecoverMs.p95, chaos.targets.timeToRecoverMs], ["recover max", chaos.timeToRecoverMs.max]];
    var maxTime = Math.max.apply(null, times.map(function (t) { return Math.max(t[1], t[2] || 0); }).concat([1]));
    node.append(el("figure", null, el("figcaption", null, "Time to detect and recover (virtual time)"), el("div", { "class": "chart", id: "chart-chaos-times" },
      bars(times.map(function (t) { return [t[0], t[1], t[2] === undefined || t[1] <= t[2], t[2]]; }), maxTime, duration))));
    var maxRuns = Math.max.apply(null, chaos.scenarios.map(function (s) { return s.runs; }).concat([1]));
    node.append(el("figure", null, el("figcaption", null, "Runs passed per scenario"), el("div", { "class": "chart", id: "chart-chaos-scenarios" },
      bars(chaos.scenarios.map(function (s) { return [s.name, s.passed, s.passed === s.runs, s.runs]; }), maxRuns, function (n) { return String(n); }))));
  }

  function drawEvents() {
    var node = $("events");
    clear(node);
    recent.slice(-100).reverse().forEach(function (e) {
      var detail = e.phase || e.code || e.fromState || e.workflow || "";
      var error = e.error || e.cause;
      node.append(el("li", { "data-type": e.type }, time(e.at) + "  " + e.runId + "  " + e.type + (detail ? "  " + detail : "") + (error ? "  " + error.code : "")));
    });
  }

  function render() {
    section("problems", model.problems, drawProblems);
    section("alerts", model.alerts, drawAlerts);
    section("runs", model.runs, drawRuns);
    section("health", model.health, drawHealth);
    section("chart-health", model.health, drawHealthChart);
    section("recovery", model.recovery, drawRecovery);
    section("chaos", model.chaos, drawChaos);
  }

  var source = new EventSource("/api/stream");
  source.addEventListener("open", function () {
    var c = $("connection"); c.dataset.state = "live"; c.textContent = "live";
  });
  source.addEventListener("error", function () {
    var c = $("connection"); c.dataset.state = "reconnecting"; c.textContent = "reconnecting…";
  });
  source.addEventListener("model", function (message) {
    model = JSON.parse(message.data);
    render();
  });
  source.addEventListener("events", function (message) {
    var update = JSON.parse(message.data);
    if (update.reset) recent = recent.filter(function (e) { return e.runId !== update.runId; });
    recent = recent.concat(update.events).slice(-500);
    drawEvents();
  });
})();
`;
