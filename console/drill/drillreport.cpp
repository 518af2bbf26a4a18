#include "drill/drillreport.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hafront::drill {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

double round1(double v)
{
    return std::round(v * 10.0) / 10.0;
}

QJsonObject phaseJson(const PhaseStats &p, int64_t zero)
{
    QJsonObject o;
    o["name"] = q(p.name);
    o["start_ms"] = round1(double(p.startUs - zero) / 1000.0);
    o["end_ms"] = round1(double(p.endUs - zero) / 1000.0);
    o["downtime_ms"] = round1(p.downtimeMs);
    o["predicted_ms"] = round1(p.predictedMs);
    o["probes_total"] = p.probesTotal;
    o["probes_failed"] = p.probesFailed;
    o["recovered"] = p.recovered;
    if (p.lastOkBeforeUs >= 0)
        o["last_ok_before_ms"] = round1(double(p.lastOkBeforeUs - zero) / 1000.0);
    if (p.firstOkAfterUs >= 0)
        o["first_ok_after_ms"] = round1(double(p.firstOkAfterUs - zero) / 1000.0);
    return o;
}

std::string esc(const std::string &s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string num(double v, int decimals = 1)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace

QJsonObject toJson(const DrillReport &r, bool withProbes)
{
    QJsonObject o;
    o["cluster"] = q(r.cluster);
    o["vip"] = q(r.vip);
    o["mode"] = modeName(r.mode);
    o["probe_url"] = q(r.probeUrl);
    o["rate"] = r.rateHz;
    o["started"] = QDateTime::fromMSecsSinceEpoch(r.startedWallUs / 1000, Qt::UTC).toString(Qt::ISODateWithMs);
    o["completed"] = r.completed;
    if (!r.abortReason.empty())
        o["aborted"] = q(r.abortReason);
    o["old_master"] = q(r.oldMaster);
    o["new_master"] = q(r.newMaster);
    o["final_master"] = q(r.finalMaster);
    o["failback"] = r.failback;
    o["advert_interval_ms"] = int(r.advertMs);
    o["downtime_ms"] = round1(r.downtimeMs);
    o["predicted_ms"] = round1(r.predictedMs);
    o["probes_total"] = r.probesTotal;
    o["probes_failed"] = r.probesFailed;
    QJsonArray phases;
    for (const auto &p : r.phases)
        phases.append(phaseJson(p, r.zeroMonoUs));
    o["phases"] = phases;
    QJsonArray timeline;
    for (const auto &t : r.timeline)
        timeline.append(
            QJsonObject{{"at_ms", round1(t.atMs)}, {"source", q(t.source)}, {"kind", q(t.kind)}, {"text", q(t.text)}});
    o["timeline"] = timeline;
    QJsonObject offsets;
    for (const auto &[node, off] : r.offsets)
        offsets[q(node)] = QJsonObject{{"mono_offset_us", qint64(off.monoOffsetUs)},
                                       {"wall_offset_us", qint64(off.wallOffsetUs)},
                                       {"rtt_us", qint64(off.rttUs)},
                                       {"samples", off.samples}};
    o["clock_offsets"] = offsets;
    QJsonArray checks;
    for (const auto &c : r.checks)
        checks.append(QJsonObject{{"name", q(c.name)}, {"ok", c.ok}, {"reason", q(c.reason)}});
    o["prechecks"] = checks;
    if (withProbes) {
        QJsonArray probes;
        for (const auto &p : r.probes)
            probes.append(QJsonArray{round1(double(p.sendUs - r.zeroMonoUs) / 1000.0), round1(p.latencyUs / 1000.0),
                                     p.ok, q(p.ok ? p.servedBy : p.error)});
        o["probes"] = probes;
    }
    return o;
}

std::string chartSvg(const DrillReport &r, int width, int height)
{
    const int left = 50, right = 10, top = 14, bottom = 30;
    const double plotW = width - left - right, plotH = height - top - bottom;
    double endMs = 1;
    double maxLat = 5;
    for (const auto &p : r.probes) {
        endMs = std::max(endMs, double(p.sendUs - r.zeroMonoUs) / 1000.0);
        if (p.ok)
            maxLat = std::max(maxLat, p.latencyUs / 1000.0);
    }
    maxLat = std::min(maxLat * 1.1, 1000.0);
    auto x = [&](double ms) { return left + std::clamp(ms / endMs, 0.0, 1.0) * plotW; };
    auto y = [&](double lat) { return top + plotH - std::clamp(lat / maxLat, 0.0, 1.0) * plotH; };
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    s += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(plotW) + "\" height=\"" + num(plotH) +
         "\" fill=\"#fafafa\" stroke=\"#999\"/>\n";
    for (const auto &p : r.phases) {
        if (p.lastOkBeforeUs < 0)
            continue;
        const double a = double(p.lastOkBeforeUs - r.zeroMonoUs) / 1000.0;
        const double b = p.firstOkAfterUs >= 0 ? double(p.firstOkAfterUs - r.zeroMonoUs) / 1000.0 : endMs;
        s += "<rect x=\"" + num(x(a)) + "\" y=\"" + num(top) + "\" width=\"" + num(std::max(1.0, x(b) - x(a))) +
             "\" height=\"" + num(plotH) + "\" fill=\"#f4b6b6\" opacity=\"0.6\"><title>" + esc(p.name) + " downtime " +
             num(p.downtimeMs) + " ms</title></rect>\n";
    }
    for (const auto &t : r.timeline) {
        if (t.kind != "action" && t.kind != "vip_state")
            continue;
        const std::string color = t.kind == "action" ? "#1f5fbf" : "#7a3fb0";
        s += "<line x1=\"" + num(x(t.atMs)) + "\" x2=\"" + num(x(t.atMs)) + "\" y1=\"" + num(top) + "\" y2=\"" +
             num(top + plotH) + "\" stroke=\"" + color + "\" stroke-dasharray=\"3,2\"><title>" +
             esc(num(t.atMs) + " ms " + t.source + ": " + t.text) + "</title></line>\n";
    }
    std::string ok, bad;
    for (const auto &p : r.probes) {
        const double at = double(p.sendUs - r.zeroMonoUs) / 1000.0;
        if (p.ok)
            ok += "M" + num(x(at)) + " " + num(y(p.latencyUs / 1000.0)) + "h1";
        else
            bad += "M" + num(x(at)) + " " + num(top + plotH - 6) + "v6";
    }
    s += "<path d=\"" + ok + "\" stroke=\"#2a8f2a\" stroke-width=\"2\" fill=\"none\"/>\n";
    s += "<path d=\"" + bad + "\" stroke=\"#d01c1c\" stroke-width=\"2\" fill=\"none\"/>\n";
    for (int i = 0; i <= 4; ++i) {
        const double ms = endMs * i / 4;
        s += "<text x=\"" + num(x(ms)) + "\" y=\"" + num(height - 12) + "\" text-anchor=\"middle\">" +
             num(ms / 1000, 2) + " s</text>\n";
        const double lat = maxLat * i / 4;
        s += "<text x=\"" + num(left - 4) + "\" y=\"" + num(y(lat) + 4) + "\" text-anchor=\"end\">" + num(lat) +
             "</text>\n";
    }
    s += "<text x=\"4\" y=\"" + num(top + 8) + "\">ms</text>\n</svg>\n";
    return s;
}

std::string toHtml(const DrillReport &r)
{
    const std::string title = "hafront drill: VIP " + r.vip + " (" + modeName(r.mode) + ")";
    std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) +
                    "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                    "text-align:left}th{background:#eee}.bad{color:#b00}.good{color:#070}</style></head><body>\n";
    h += "<h1>" + esc(title) + "</h1>\n<p>Cluster <b>" + esc(r.cluster) + "</b>, started " +
         QDateTime::fromMSecsSinceEpoch(r.startedWallUs / 1000, Qt::UTC).toString(Qt::ISODate).toStdString() +
         ", probing " + esc(r.probeUrl) + " at " + num(r.rateHz, 0) + "/s, advert interval " +
         std::to_string(r.advertMs) + " ms.</p>\n";
    if (!r.completed)
        h += "<p class=\"bad\">Aborted: " + esc(r.abortReason) + "</p>\n";
    h += "<table><tr><th>downtime</th><td><b>" + num(r.downtimeMs) + " ms</b></td></tr><tr><th>predicted</th><td>" +
         num(r.predictedMs) + " ms</td></tr><tr><th>probes</th><td>" + std::to_string(r.probesTotal) + " sent, " +
         std::to_string(r.probesFailed) + " failed</td></tr><tr><th>master</th><td>" + esc(r.oldMaster) + " &rarr; " +
         esc(r.newMaster) + (r.failback ? " &rarr; " + esc(r.finalMaster) : std::string(" (no failback)")) +
         "</td></tr></table>\n";
    h += "<table><tr><th>phase</th><th>downtime ms</th><th>predicted ms</th><th>probes</th><th>failed</th>"
         "<th>recovered</th></tr>\n";
    for (const auto &p : r.phases)
        h += "<tr><td>" + esc(p.name) + "</td><td>" + num(p.downtimeMs) + "</td><td>" + num(p.predictedMs) +
             "</td><td>" + std::to_string(p.probesTotal) + "</td><td>" + std::to_string(p.probesFailed) + "</td><td>" +
             (p.recovered ? "yes" : "<span class=\"bad\">no</span>") + "</td></tr>\n";
    h += "</table>\n" + chartSvg(r);
    h += "<p>Green: probe latency (ms); red ticks: failed probes; shaded: downtime; dashed: moves and VRRP "
         "events.</p>\n<h2>Timeline</h2>\n<table><tr><th>ms</th><th>source</th><th>what</th></tr>\n";
    for (const auto &t : r.timeline)
        h += "<tr><td>" + num(t.atMs) + "</td><td>" + esc(t.source) + "</td><td>" + esc(t.text) + "</td></tr>\n";
    h += "</table>\n<h2>Clock offsets</h2>\n<table><tr><th>node</th><th>offset (mono)</th><th>offset (wall)</th>"
         "<th>RTT</th></tr>\n";
    for (const auto &[node, o] : r.offsets)
        h += "<tr><td>" + esc(node) + "</td><td>" + num(o.monoOffsetUs / 1000.0, 3) + " ms</td><td>" +
             num(o.wallOffsetUs / 1000.0, 3) + " ms</td><td>" + num(o.rttUs / 1000.0, 3) + " ms</td></tr>\n";
    h += "</table>\n<h2>Pre-checks</h2>\n<ul>\n";
    for (const auto &c : r.checks)
        h += "<li class=\"" + std::string(c.ok ? "good" : "bad") + "\">" + esc(c.name) +
             (c.ok ? ": ok" : ": " + esc(c.reason)) + "</li>\n";
    return h + "</ul>\n</body></html>\n";
}

} // namespace hafront::drill
