#!/usr/bin/env python3
"""Builds the provisioned Grafana dashboards of coding-kpi (Python 3 standard library only).

    python3 grafana/build_dashboards.py          # writes grafana/provisioning/dashboards/*.json
    python3 grafana/build_dashboards.py --check  # fails if the committed JSON is not up to date

The JSON files are generated: change a query here, run the script, commit both. Each dashboard
keeps all its queries in one dict `Q` at the top of its function. Every selector of a coding_*
metric is checked against the label table below (the metric catalogue of docs/observability.md):
a misspelt metric or a filter on a label the metric does not have fails the build, so a
dashboard filter never silently empties a panel.

The dashboards import into any Grafana: the datasource is a dashboard variable ($datasource,
`__inputs` for the import dialog), and every metric selector gets `job=~"$job",instance=~"$instance"`
added here, so another scrape of the same metrics (a staging pipeline, a replay) is never summed
in. A panel that ignores a dashboard filter says so in its description (added here, from the
filters its queries use).
"""
import json
import pathlib
import re
import sys

DS = {"type": "prometheus", "uid": "${datasource}"}
OUT = pathlib.Path(__file__).resolve().parent / "provisioning" / "dashboards"

# Labels of every coding_* metric (histograms: the base name; _bucket adds "le"), read from the
# metric reference that the pipeline's metric catalog generates (docs/metrics.md): one table, no copy.
def _catalog_labels():
    labels = {}
    doc = pathlib.Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
    for line in doc.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and cells[1].startswith("`coding_"):
            labels[cells[1].strip("`")] = {l.strip() for l in cells[4].split(",") if l.strip()}
    return labels


LABELS = _catalog_labels()
TARGET_LABELS = {"job", "instance"}  # added by Prometheus to every scraped series

# What good looks like, in one place (colours of stat panels).
GREEN, YELLOW, RED = "green", "#EAB839", "red"


# ---------------------------------------------------------------------------------------------
# Validation of queries against the label table

SELECTOR = re.compile(r"\b(coding_[a-z_]+)\s*(\{([^}]*)\})?")
MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')


LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")


def check_query(expr, where):
    for m in SELECTOR.finditer(LABEL_LISTS.sub("", expr)):
        name, body = m.group(1), m.group(3) or ""
        base, allowed = name, None
        for suffix, extra in (("_bucket", {"le"}), ("_sum", set()), ("_count", set())):
            if name.endswith(suffix) and name[: -len(suffix)] in LABELS:
                base, allowed = name[: -len(suffix)], LABELS[name[: -len(suffix)]] | extra
        if allowed is None:
            if name not in LABELS:
                raise SystemExit(f"{where}: unknown metric {name} in: {expr}")
            allowed = LABELS[name]
        for part in filter(None, (p.strip() for p in split_matchers(body))):
            mm = MATCHER.fullmatch(part)
            if not mm:
                raise SystemExit(f"{where}: cannot read matcher '{part}' in: {expr}")
            if mm.group(1) not in allowed | TARGET_LABELS:
                raise SystemExit(f"{where}: {base} has no label '{mm.group(1)}' in: {expr}")


def split_matchers(body):
    parts, cur, quoted, escaped = [], "", False, False
    for ch in body:
        if escaped:
            cur, escaped = cur + ch, False
        elif ch == "\\":
            cur, escaped = cur + ch, True
        elif ch == '"':
            cur, quoted = cur + ch, not quoted
        elif ch == "," and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]


def agg(by):
    """`sum by (<by>) ` or, for no labels, `sum `."""
    return f"sum by ({by}) " if by else "sum "


def ratio(num, den, by=""):
    """sum(rate(num)) / sum(rate(den)) over $window, by the given labels. A numerator without any
    series yet (a payer never denied) counts as 0; a zero denominator gives no value, not NaN."""
    zero = f"0 * {agg(by)}(rate({den}[$window]))" if by else "vector(0)"
    return f"({agg(by)}(rate({num}[$window])) or {zero}) / ({agg(by)}(rate({den}[$window])) > 0)"


# ---------------------------------------------------------------------------------------------
# Panels


class Layout:
    """Places panels left to right in a 24-column grid; a row header starts a new line."""

    def __init__(self):
        self.panels, self.x, self.y, self.line_h, self.next_id = [], 0, 0, 0, 1

    def row(self, title):
        self._newline()
        self.panels.append({"type": "row", "title": title, "collapsed": False, "id": self._id(),
                            "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1}, "panels": []})
        self.y += 1

    def add(self, panel, w, h):
        if self.x + w > 24:
            self._newline()
        panel["id"] = self._id()
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.panels.append(panel)
        self.x += w
        self.line_h = max(self.line_h, h)

    def _newline(self):
        self.y += self.line_h
        self.x, self.line_h = 0, 0

    def _id(self):
        self.next_id += 1
        return self.next_id - 1


def target(expr, legend="", ref="A", instant=False, fmt="time_series"):
    return {"refId": ref, "datasource": DS, "editorMode": "code", "expr": expr,
            "legendFormat": legend, "range": not instant, "instant": instant, "format": fmt}


def targets(queries, instant=False, fmt="time_series"):
    """queries: a list of (expr, legend) pairs, given refIds A, B, C..."""
    return [target(e, l, chr(ord("A") + i), instant, fmt) for i, (e, l) in enumerate(queries)]


def thresholds(steps):
    """steps: [(None, colour), (value, colour), ...] in increasing value order."""
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


def base(kind, title, description, tgts, unit, steps=None, no_value=None, decimals=None):
    defaults = {"unit": unit, "thresholds": thresholds(steps or [(None, GREEN)])}
    if no_value:
        defaults["noValue"] = no_value
    if decimals is not None:
        defaults["decimals"] = decimals
    return {"type": kind, "title": title, "description": description, "datasource": DS,
            "targets": tgts, "fieldConfig": {"defaults": defaults, "overrides": []}}


def timeseries(title, description, queries, unit, stack=False, bars=False, steps=None,
               no_value=None, min_zero=True, show_thresholds=False, right_axis=None):
    """right_axis: (refId, unit) of a query drawn against its own axis on the right."""
    p = base("timeseries", title, description, targets(queries), unit, steps, no_value)
    if right_axis:
        p["fieldConfig"]["overrides"].append({
            "matcher": {"id": "byFrameRefID", "options": right_axis[0]},
            "properties": [{"id": "custom.axisPlacement", "value": "right"},
                           {"id": "unit", "value": right_axis[1]}]})
    d = p["fieldConfig"]["defaults"]
    d["color"] = {"mode": "palette-classic"}
    d["custom"] = {"drawStyle": "bars" if bars else "line", "lineWidth": 1,
                   "fillOpacity": 60 if bars else (25 if stack else 8), "showPoints": "never",
                   "spanNulls": False,
                   "stacking": {"mode": "normal" if stack else "none", "group": "A"},
                   "thresholdsStyle": {"mode": "dashed" if show_thresholds else "off"}}
    if min_zero:
        d["min"] = 0
    p["options"] = {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": True,
                               "calcs": ["lastNotNull", "mean", "max"]},
                    "tooltip": {"mode": "multi", "sort": "desc"}}
    return p


def stat(title, description, queries, unit, steps=None, no_value=None, decimals=None,
         graph=True):
    p = base("stat", title, description, targets(queries), unit, steps, no_value, decimals)
    p["fieldConfig"]["defaults"]["color"] = {"mode": "thresholds"}
    p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "value", "graphMode": "area" if graph else "none",
                    "justifyMode": "auto", "textMode": "auto", "orientation": "auto"}
    return p


def bargauge(title, description, queries, unit, steps=None, no_value=None, instant=True,
             vmax=None):
    p = base("bargauge", title, description, targets(queries, instant=instant), unit, steps,
             no_value)
    p["fieldConfig"]["defaults"]["color"] = {"mode": "thresholds"}
    p["fieldConfig"]["defaults"]["min"] = 0
    if vmax is not None:
        p["fieldConfig"]["defaults"]["max"] = vmax
    p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "orientation": "horizontal", "displayMode": "gradient",
                    "showUnfilled": True, "valueMode": "color"}
    return p


def table(title, description, queries, unit, rename, no_value=None, sort_by=None, units=None):
    """Instant queries as a table; several queries are merged on their common labels. units: one
    per value column (in the order of rename) when the columns differ, so that counts, dollars
    and ratios are never shown in one unit."""
    p = base("table", title, description, targets(queries, instant=True, fmt="table"), unit,
             None, no_value)
    for column, column_unit in zip(rename, units or []):
        p["fieldConfig"]["overrides"].append({"matcher": {"id": "byName", "options": column},
                                              "properties": [{"id": "unit", "value": column_unit}]})
    values = {"Value": rename[0]} if len(queries) == 1 else {
        f"Value #{chr(ord('A') + i)}": r for i, r in enumerate(rename)}
    p["transformations"] = ([{"id": "merge", "options": {}}] if len(queries) > 1 else []) + [
        {"id": "organize", "options": {"excludeByName": {"Time": True}, "renameByName": values}}]
    p["options"] = {"showHeader": True, "cellHeight": "sm",
                    "sortBy": [{"displayName": sort_by or rename[0], "desc": True}]}
    return p


def barchart_by_month(title, description, expr, column_label, unit, stacked=True):
    """An instant query by (month, <column_label>) drawn as one bar group per month."""
    p = base("barchart", title, description, [target(expr, "", "A", True, "table")], unit)
    p["fieldConfig"]["defaults"]["color"] = {"mode": "palette-classic"}
    p["transformations"] = [{"id": "groupingToMatrix", "options": {
        "columnField": column_label, "rowField": "month", "valueField": "Value"}}] \
        if column_label else [{"id": "organize", "options": {"excludeByName": {"Time": True}}}]
    p["options"] = {"orientation": "vertical", "xField": "month" if not column_label else None,
                    "stacking": "normal" if stacked else "none", "showValue": "never",
                    "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                    "tooltip": {"mode": "multi", "sort": "none"}, "barWidth": 0.8,
                    "groupWidth": 0.7}
    if p["options"]["xField"] is None:
        del p["options"]["xField"]
    return p


def heatmap(title, description, expr, unit):
    p = base("heatmap", title, description, [target(expr, "{{le}}", "A", False, "heatmap")], unit)
    p["options"] = {"calculate": False, "yAxis": {"unit": unit, "axisPlacement": "left"},
                    "rowsFrame": {"layout": "le"}, "cellGap": 1,
                    "color": {"mode": "scheme", "scheme": "Oranges", "steps": 64,
                              "exponent": 0.5, "fill": "dark-orange", "scale": "exponential",
                              "reverse": False},
                    "tooltip": {"mode": "single", "yHistogram": True},
                    "legend": {"show": True}, "exemplars": {"color": "rgba(255,0,255,0.7)"}}
    return p


# ---------------------------------------------------------------------------------------------
# Template variables

VARIABLE_SOURCES = {  # variable -> (metric it is read from, label)
    "job": ("coding_pipeline_ready", "job"),
    "instance": ("coding_pipeline_ready", "instance"),
    "facility": ("coding_encounters_discharged_total", "facility"),
    "setting": ("coding_encounters_coded_total", "setting"),
    "specialty": ("coding_encounters_coded_total", "specialty"),
    "payer": ("coding_claims_adjudicated_total", "payer"),
    "model_version": ("coding_ai_suggestions_total", "model_version"),
}

# Variables every dashboard has, before its own filters: which Prometheus, which pipeline.
COMMON_VARIABLES = ("datasource", "job", "instance")
# Variables that are not filters (nothing to ignore): the window, the hourly cost.
NOT_FILTERS = {"datasource", "job", "instance", "window", "coder_hourly_cost"}


def datasource_var():
    return {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
            "description": "The Prometheus that scrapes the pipeline.", "hide": 0,
            "includeAll": False, "multi": False, "regex": "", "refresh": 1, "options": [],
            "current": {}}


def query_var(name, label):
    metric, lab = VARIABLE_SOURCES[name]
    scope = {"job": "", "instance": '{job=~"$job"}'}.get(name, '{job=~"$job",instance=~"$instance"}')
    q = f"label_values({metric}{scope}, {lab})"
    v = {"name": name, "label": label, "type": "query", "datasource": DS,
         "query": {"query": q, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
         "definition": q, "refresh": 2, "sort": 1, "regex": "", "hide": 0,
         "includeAll": True, "multi": True, "allValue": ".*", "options": [],
         "current": {"selected": True, "text": ["All"], "value": ["$__all"]}}
    if name == "job":
        v["description"] = ("Prometheus job of the pipeline (job label of its scrape). Pick one when "
                            "several pipelines (production, staging, a replay) are scraped.")
    return v


def window_var(default, description):
    values = ["1h", "6h", "1d", "7d", "28d"]
    return {"name": "window", "label": "KPI window", "type": "custom", "description": description,
            "query": ",".join(values), "hide": 0, "multi": False, "includeAll": False,
            "current": {"selected": True, "text": default, "value": default},
            "options": [{"selected": v == default, "text": v, "value": v} for v in values]}


WINDOW_HELP = ("Window of the rates and ratios (Prometheus range). Short windows react fast but "
               "are noisy on low volume; 28d matches the alert baselines.")


SCOPE = 'job=~"$job",instance=~"$instance"'
METRIC = re.compile(r"(coding|kafka|jvm|process)_[a-z0-9_]+")
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(")


def scoped(expr):
    """Adds job=~"$job",instance=~"$instance" to every metric selector of expr (names in label
    matchers, in by (...) / on (...) lists and in strings are left alone)."""
    out, i, depth_brace, skip_parens = [], 0, 0, 0
    while i < len(expr):
        ch = expr[i]
        if ch == '"':
            j = i + 1
            while expr[j] != '"':
                j += 2 if expr[j] == "\\" else 1
            out.append(expr[i:j + 1])
            i = j + 1
            continue
        g = GROUPING.match(expr, i)
        if g and (i == 0 or not (expr[i - 1].isalnum() or expr[i - 1] == "_")):
            j = expr.index(")", g.end())
            out.append(expr[i:j + 1])
            i = j + 1
            continue
        if ch == "{":
            depth_brace += 1
        elif ch == "}":
            depth_brace -= 1
        m = METRIC.match(expr, i)
        if m and depth_brace == 0 and (i == 0 or not (expr[i - 1].isalnum() or expr[i - 1] in "_:")):
            out.append(m.group(0))
            i = m.end()
            if i < len(expr) and expr[i] == "{":
                out.append("{" + SCOPE + ("," if expr[i + 1] != "}" else ""))
                i += 1
                depth_brace += 1
            else:
                out.append("{" + SCOPE + "}")
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def ignored_filters(panel, variables):
    """Dashboard filters none of the panel's queries uses."""
    used = set()
    for t in panel.get("targets", []):
        used |= set(re.findall(r"\$(\w+)", t["expr"]))
    return [v for v in variables if v["name"] not in NOT_FILTERS and v["name"] not in used]


def dashboard(uid, title, description, variables, layout, time_from, annotations=()):
    variables = [datasource_var(), query_var("job", "Job"), query_var("instance", "Instance")] + \
        [v for v in variables if v["name"] not in COMMON_VARIABLES]
    names = {v["name"] for v in variables}
    for p in layout.panels:
        for t in p.get("targets", []):
            check_query(t["expr"], f"{uid} / {p['title']}")
            t["expr"] = scoped(t["expr"])
            for var in re.findall(r"\$([a-z_]+)", t["expr"]):
                if not var.startswith("__") and var not in names:
                    raise SystemExit(f"{uid} / {p['title']}: undefined variable ${var}")
        if re.search(r"[\w/.-]+\.(md|yml|yaml|py|json|properties)\b", p.get("description", "") + p.get("title", "")):
            raise SystemExit(f"{uid} / {p['title']}: names a file users of an imported dashboard do not have")
        if p.get("type") != "row" and any("payer" in re.split(r"\s*,\s*", g)
                                          for t in p.get("targets", [])
                                          for g in re.findall(r"\bby \(([^)]*)\)", t["expr"])):
            drill_down(p, "payer", "coding-denials", "coding-kpis-denials", "Denials of payer ${__field.labels.payer}"
                       if p["type"] != "table" else "Denials of payer ${__data.fields.payer}",
                       table=p["type"] == "table")
        ignored = ignored_filters(p, variables) if p.get("type") != "row" else []
        if ignored:
            p["description"] += " Ignores the dashboard filter" + ("s " if len(ignored) > 1 else " ") + \
                ", ".join(v["label"] for v in ignored) + "."
    for a in annotations:
        check_query(a["expr"], f"{uid} / annotation {a['name']}")
    if re.search(r"[\w/.-]+\.(md|yml|yaml|py|json)\b", description):
        raise SystemExit(f"{uid}: its description names a file users of an imported dashboard do not have")
    panel_types = sorted({p["type"] for p in layout.panels if p["type"] != "row"})
    return {
        "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "The Prometheus that "
                      "scrapes the coding-kpi pipeline", "type": "datasource", "pluginId": "prometheus",
                      "pluginName": "Prometheus"}],
        "__requires": [{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
                       {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"}]
        + [{"type": "panel", "id": t, "name": t, "version": ""} for t in panel_types],
        "uid": uid, "title": title, "description": description, "tags": ["coding-kpi"],
        "timezone": "browser", "editable": False, "graphTooltip": 1, "schemaVersion": 39,
        "version": 1, "refresh": "1m", "time": {"from": time_from, "to": "now"},
        "links": [{"type": "dashboards", "tags": ["coding-kpi"], "asDropdown": False,
                   "title": "Coding KPI dashboards", "includeVars": True, "keepTime": True,
                   "icon": "external link", "targetBlank": False, "tooltip": "", "url": ""}],
        "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                  "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                                  "name": "Annotations & Alerts", "type": "dashboard"}]
                        + list(annotations)},
        "templating": {"list": variables},
        "panels": layout.panels,
    }


def drill_down(panel, label, to_uid, to_slug, title, table=False):
    """A data link on each series (table: each row) of the panel: open dashboard to_uid filtered
    on that series' label value (e.g. payer), keeping the time range, the datasource and the job.
    Every panel that shows a payer links to the Denials dashboard filtered on it."""
    value = f"${{__data.fields.{label}}}" if table else f"${{__field.labels.{label}}}"
    panel["fieldConfig"]["defaults"]["links"] = [{
        "title": title, "targetBlank": False,
        "url": f"/d/{to_uid}/{to_slug}?var-{label}={value}&${{datasource:queryparam}}"
               f"&${{job:queryparam}}&${{instance:queryparam}}&${{__url_time_range}}"}]
    return panel


def alert_annotation(name, alert, text_labels):
    return {"name": name, "datasource": DS, "enable": True, "hide": False, "iconColor": "red",
            "expr": f'ALERTS{{alertname="{alert}",alertstate="firing"}}', "step": "60s",
            "titleFormat": alert, "textFormat": " ".join("{{%s}}" % l for l in text_labels),
            "useValueForTime": False}


# ---------------------------------------------------------------------------------------------
# Dashboards


def assumption(name):
    """An assumption of the ROI file as published by the pipeline (never a copy in a dashboard variable)."""
    return f'scalar(max(coding_roi_assumption{{name="{name}"}}))'


def executive_roi():
    F = 'facility=~"$facility",setting=~"$setting"'
    HOURLY = assumption("coder_hourly_cost")
    Q = {
        "realized_net": 'max(coding_roi_cumulative_net_dollars{basis="realized"})',
        "expected_net": 'max(coding_roi_cumulative_net_dollars{basis="projected",scenario="expected"})',
        "gap_to_expected": 'max(coding_roi_cumulative_net_dollars{basis="realized"})'
                           ' - max(coding_roi_cumulative_net_dollars{basis="projected",scenario="expected"})',
        "realized_ratio": 'max(coding_roi_ratio{basis="realized"})',
        "net_by_scenario": "max by (basis, scenario) (coding_roi_cumulative_net_dollars)",
        "ratio_by_scenario": "max by (basis, scenario) (coding_roi_ratio)",
        "realized_benefit_by_month": 'max by (month, component) (coding_roi_benefit_dollars{basis="realized"})',
        "program_cost_by_month": "max by (month) (coding_roi_program_cost_dollars)",
        "month_realized": 'sum by (month) (max without (instance) (coding_roi_benefit_dollars{basis="realized"}))',
        "month_expected": 'sum by (month) (max without (instance) (coding_roi_benefit_dollars{basis="projected",scenario="expected"}))',
        "month_cost": "max by (month) (coding_roi_program_cost_dollars)",
        "month_realized_net": 'sum by (month) (max without (instance) (coding_roi_benefit_dollars{basis="realized"}))'
                              " - on (month) max by (month) (coding_roi_program_cost_dollars)",
        "labour_cost_per_encounter": f"(sum by (coding_mode) (rate(coding_coder_seconds_total{{{F}}}[$window])) / 3600 * {HOURLY})"
                                     f" / (sum by (coding_mode) (rate(coding_encounters_coded_total{{{F}}}[$window])) > 0)",
        "all_in_cost_per_encounter": f"(sum(rate(coding_coder_seconds_total[$window])) / 3600 * {HOURLY}"
                                     " + min(coding_roi_program_cost_dollars) / (30.4375 * 86400))"
                                     " / (sum(rate(coding_encounters_coded_total[$window])) > 0)",
        "coded_per_day_by_mode": f"sum by (coding_mode) (rate(coding_encounters_coded_total{{{F}}}[$window])) * 86400",
        "baseline": "max by (item, setting, source) (coding_roi_baseline)",
        "coding_denial_rework_cost": f'sum(increase(coding_claims_denied_total{{{F},category="coding"}}[$window]))'
                                     f' * {assumption("rework_cost_per_denial")}',
        "ai_share_of_coded": ratio(f'coding_encounters_coded_total{{{F},coding_mode=~"AI_ASSISTED|AUTONOMOUS"}}',
                                   f"coding_encounters_coded_total{{{F}}}"),
    }
    roi_note = " ROI figures cover the whole program, not a facility or setting."
    L = Layout()
    L.row("Realized versus projected (cumulative since go-live)")
    L.add(stat("Realized cumulative net", "Benefits measured from the events (coder labour saved, "
               "coding denials avoided, cash collected sooner) minus program cost (one-time + "
               "monthly), summed over every month since go-live. Negative during the ramp-up is "
               "expected; good is crossing zero and tracking the expected scenario." + roi_note,
               [(Q["realized_net"], "realized")], "currencyUSD",
               [(None, RED), (0, GREEN)], graph=True), 6, 5)
    L.add(stat("Projected cumulative net (expected scenario)", "What the business case promised "
               "by now: the expected scenario's benefits, ramped up over its ramp months, on the "
               "same volumes, minus the same program cost." + roi_note,
               [(Q["expected_net"], "expected")], "currencyUSD", [(None, "blue")]), 6, 5)
    L.add(stat("Gap: realized minus expected", "Positive: the program delivers more than the "
               "expected scenario promised. Negative: behind the business case; see the monthly "
               "components below for which benefit falls short." + roi_note,
               [(Q["gap_to_expected"], "gap")], "currencyUSD", [(None, RED), (0, GREEN)]), 6, 5)
    L.add(stat("Realized ROI ratio", "Realized cumulative net divided by cumulative program cost. "
               "0 = break-even, 1 = the program returned twice its cost. Good: above 0 by the end "
               "of the ramp-up." + roi_note,
               [(Q["realized_ratio"], "ratio")], "percentunit", [(None, RED), (0, GREEN)]), 6, 5)
    L.add(timeseries("Cumulative net: realized vs the three scenarios", "Realized (actual) against "
                     "the conservative, expected and aggressive projections. Realized below "
                     "conservative means the program underdelivers even the cautious case." + roi_note,
                     [(Q["net_by_scenario"], "{{basis}} / {{scenario}}")], "currencyUSD",
                     min_zero=False), 16, 9)
    L.add(timeseries("ROI ratio by scenario", "Cumulative net over cumulative program cost, per "
                     "basis and scenario." + roi_note,
                     [(Q["ratio_by_scenario"], "{{basis}} / {{scenario}}")], "percentunit",
                     min_zero=False), 8, 9)
    L.row("By month")
    L.add(barchart_by_month("Realized benefit by month and component", "Labour = baseline coder "
                            "minutes minus actual coder time in AI modes, at the coder hourly cost; "
                            "denials = coding denials avoided against the baseline rate, at the "
                            "rework cost; cash = days to payment saved, at the cost of capital. "
                            "Good: every component positive and growing through the ramp-up.",
                            Q["realized_benefit_by_month"], "component", "currencyUSD"), 12, 9)
    L.add(barchart_by_month("Program cost by month", "Monthly licence and governance cost, plus "
                            "the one-time implementation cost in the go-live month.",
                            Q["program_cost_by_month"], None, "currencyUSD", stacked=False), 12, 9)
    L.add(table("Monthly statement: realized vs expected", "Per month: realized benefit, the "
                "expected scenario's benefit, program cost and realized net (benefit minus cost). "
                "Good: realized net positive from the end of the ramp-up and realized benefit at "
                "or above expected.",
                [(Q["month_realized"], ""), (Q["month_expected"], ""), (Q["month_cost"], ""),
                 (Q["month_realized_net"], "")], "currencyUSD",
                ["Realized benefit", "Expected benefit", "Program cost", "Realized net"],
                sort_by="month"), 24, 9)
    L.row("Cost per coded encounter")
    L.add(timeseries("Coder labour cost per coded encounter, by coding mode", "Active coder hours "
                     "(all revisions) x the coder hourly cost, divided by encounters first-coded "
                     "in that mode. AUTONOMOUS carries no coder time. Good: AI_ASSISTED clearly "
                     "below MANUAL in the same setting mix.",
                     [(Q["labour_cost_per_encounter"], "{{coding_mode}}")], "currencyUSD"), 12, 8)
    L.add(stat("All-in cost per coded encounter", "(Coder labour at the hourly cost + the "
               "program's monthly run-rate) / encounters first-coded, whole program. The run-rate is the smallest monthly program cost, i.e. without the one-time "
               "cost. Compare with the pre-AI cost per encounter of the business case.",
               [(Q["all_in_cost_per_encounter"], "")], "currencyUSD", [(None, "blue")],
               decimals=2), 6, 8)
    L.add(stat("AI share of coded encounters", "Share of first codings done AI-assisted or "
               "autonomously over the window. The ROI depends on it: benefits are only earned on "
               "AI-mode work.", [(Q["ai_share_of_coded"], "")], "percentunit", [(None, "blue")]),
          6, 8)
    L.add(timeseries("Encounters first-coded per day, by coding mode", "Volume behind the cost "
                     "figures: encounters first-coded per day (rate over the window).",
                     [(Q["coded_per_day_by_mode"], "{{coding_mode}}")], "short", stack=True),
          24, 8)
    L.row("Baseline and assumptions")
    L.add(table("Baseline: configured vs measured", "Each baseline item of the business case as "
                "configured in the ROI file and as measured from the events of the months before "
                "go-live (baseline.measure_months). A measured item is missing when its months "
                "have no data. Minutes per encounter by setting, coding denial rate as a fraction, "
                "days to payment dollar-weighted. More than 20 % apart: revisit the business case "
                "(the /roi report flags it). " + roi_note.strip(),
                [(Q["baseline"], "")], "none", ["Value"], sort_by="item"), 16, 8)
    L.add(stat("Rework cost of coding denials (window)", "Coding-category initial denials over "
               "the window x rework_cost_per_denial of the ROI configuration (published as "
               "coding_roi_assumption). What coding denials still cost, AI or not.",
               [(Q["coding_denial_rework_cost"], "")], "currencyUSD", [(None, "blue")],
               decimals=0), 8, 8)
    return dashboard("coding-executive-roi", "Coding KPIs / Executive ROI",
                     "Realized versus projected return of AI-assisted coding (the ROI model of the "
                     "pipeline's ROI configuration), "
                     "and what a coded encounter costs.",
                     [query_var("facility", "Facility"), query_var("setting", "Setting"),
                      window_var("28d", WINDOW_HELP)],
                     L, "now-180d")


def coding_operations():
    F = 'facility=~"$facility",setting=~"$setting",specialty=~"$specialty"'
    FS = 'facility=~"$facility",setting=~"$setting"'  # metrics without specialty
    HUMAN = 'coding_mode=~"MANUAL|AI_ASSISTED"'
    AIA, MAN = 'coding_mode="AI_ASSISTED"', 'coding_mode="MANUAL"'

    def per_hour(by, mode):
        return (f"{agg(by)}(rate(coding_encounters_coded_total{{{F},{mode}}}[$window]))"
                f" / ({agg(by)}(rate(coding_coder_seconds_total{{{F},{mode}}}[$window])) / 3600 > 0)")

    def lift(by):
        return f"({per_hour(by, AIA)}) / ({per_hour(by, MAN)} > 0) - 1"

    CODED, RECODED = f"coding_encounters_coded_total{{{F}}}", f"coding_encounters_recoded_total{{{F}}}"
    AUTONOMOUS = f'coding_encounters_coded_total{{{F},coding_mode="AUTONOMOUS"}}'
    Q = {
        "eph_all": per_hour("", HUMAN),
        "eph_by_setting": per_hour("setting", HUMAN),
        "eph_by_setting_mode": per_hour("setting, coding_mode", HUMAN),
        "lift_all": lift(""),
        "lift_by_setting": lift("setting"),
        "turnaround_p50": f"histogram_quantile(0.5, sum by (le, setting) (rate(coding_turnaround_seconds_bucket{{{FS}}}[$window]))) / 86400",
        "turnaround_p90": f"histogram_quantile(0.9, sum by (le, setting) (rate(coding_turnaround_seconds_bucket{{{FS}}}[$window]))) / 86400",
        "turnaround_p50_by_mode": f"histogram_quantile(0.5, sum by (le, coding_mode) (rate(coding_turnaround_seconds_bucket{{{FS}}}[$window]))) / 86400",
        "dnfc_by_age": f"sum by (age) (coding_dnfc_encounters{{{FS}}})",
        "dnfc_dollars_by_age": f"sum by (age) (coding_dnfc_charges_dollars{{{FS}}})",
        "dnfc_over_3d": f'sum(coding_dnfc_encounters{{{FS},age=~"3-7d|7d[+]"}})',
        "dnfc_over_3d_by_facility": f'sum by (facility, setting) (coding_dnfc_encounters{{{FS},age=~"3-7d|7d[+]"}})',
        "rework_all": ratio(RECODED, CODED, ""),
        "rework_by_setting": ratio(RECODED, CODED, "setting"),
        "stp_all": ratio(AUTONOMOUS, CODED, ""),
        "stp_by_setting": ratio(AUTONOMOUS, CODED, "setting"),
        "coded_per_hour_by_mode": f"sum by (coding_mode) (rate({CODED}[$window])) * 3600",
        "discharged_per_day": f"sum(rate(coding_encounters_discharged_total{{{F}}}[$window])) * 86400",
        "coded_per_day": f"sum(rate({CODED}[$window])) * 86400",
    }
    L = Layout()
    L.row("At a glance")
    L.add(stat("Encounters per coder hour", "First codings divided by active coder hours (all "
               "revisions), MANUAL and AI_ASSISTED work (AUTONOMOUS has no coder time). AHIMA "
               "benchmarks: inpatient about 3 an hour, professional E/M about 12 an hour; compare "
               "within a setting.", [(Q["eph_all"], "")], "short", [(None, "blue")], decimals=1),
          5, 5)
    L.add(stat("AI-assisted productivity lift", "Encounters per coder hour AI_ASSISTED over "
               "MANUAL, minus 1: +25% means an AI-assisted coder codes a quarter more encounters "
               "an hour. Mixes settings; see the per-setting panel. Good: at or above the "
               "business case's productivity gain.", [(Q["lift_all"], "")], "percentunit",
               [(None, RED), (0, YELLOW), (0.1, GREEN)], decimals=1), 5, 5)
    L.add(stat("Rework rate", "Recodings (revision > 1) per first coding. Good: low and stable "
               "(a few percent); a rise after a model release points at AI-introduced errors.",
               [(Q["rework_all"], "")], "percentunit", [(None, GREEN), (0.05, YELLOW), (0.1, RED)],
               decimals=1), 5, 5)
    L.add(stat("Straight-through rate", "Share of first codings done AUTONOMOUSLY, with no coder "
               "touch. Higher is cheaper, as long as the coding-related denial rate of AI-coded "
               "claims (Denials dashboard) stays at or below human-coded.",
               [(Q["stp_all"], "")], "percentunit", [(None, "blue")], decimals=1), 5, 5)
    L.add(stat("DNFC older than 3 days", "Discharged encounters not final-coded for more than 3 "
               "days of stream time (age buckets 3-7d and 7d+). Good: zero; the alert "
               "CodingDnfcBacklogAgeing fires at 10 per facility and setting.",
               [(Q["dnfc_over_3d"], "")], "short", [(None, GREEN), (1, YELLOW), (10, RED)],
               decimals=0), 4, 5)
    L.row("Productivity")
    L.add(timeseries("Encounters per coder hour by setting", "First codings per active coder "
                     "hour, MANUAL and AI_ASSISTED together. Inpatient records are long (about 3 "
                     "an hour), professional E/M short (about 12 an hour).",
                     [(Q["eph_by_setting"], "{{setting}}")], "short"), 12, 8)
    L.add(timeseries("Encounters per coder hour: AI-assisted vs manual", "The same throughput "
                     "split by coding mode, per setting: the lift is the gap between the two "
                     "lines of one setting.",
                     [(Q["eph_by_setting_mode"], "{{setting}} {{coding_mode}}")], "short"), 12, 8)
    L.add(bargauge("AI-assisted productivity lift by setting", "AI_ASSISTED encounters per coder "
                   "hour over MANUAL, minus 1, per setting. Red below 0: AI assistance slows "
                   "coders down in that setting.", [(Q["lift_by_setting"], "{{setting}}")],
                   "percentunit", [(None, RED), (0, YELLOW), (0.1, GREEN)]), 8, 7)
    L.add(timeseries("First codings per hour, by coding mode", "Throughput of first codings by "
                     "mode (rate over the window).", [(Q["coded_per_hour_by_mode"], "{{coding_mode}}")],
                     "short", stack=True), 8, 7)
    L.add(timeseries("Discharges vs first codings per day", "Encounters discharged and "
                     "first-coded per day. Codings persistently below discharges grow the DNFC "
                     "backlog.", [(Q["discharged_per_day"], "discharged"), (Q["coded_per_day"], "first-coded")],
                     "short"), 8, 7)
    L.row("Turnaround and DNFC backlog")
    L.add(timeseries("Coding turnaround p50 / p90 (days) by setting", "Time from discharge to "
                     "first coding, median and 90th percentile, in days (interpolated within "
                     "histogram buckets 1h .. 30d). Good: p90 under 3 days (common coding "
                     "SLA). The turnaround histogram has no specialty label.",
                     [(Q["turnaround_p50"], "p50 {{setting}}"), (Q["turnaround_p90"], "p90 {{setting}}")],
                     "d", steps=[(None, GREEN), (3, RED)], show_thresholds=True), 12, 8)
    L.add(timeseries("Coding turnaround p50 (days) by coding mode", "Median discharge-to-coding "
                     "time per coding mode: AUTONOMOUS and AI_ASSISTED should be faster than "
                     "MANUAL.", [(Q["turnaround_p50_by_mode"], "{{coding_mode}}")], "d"), 12, 8)
    L.add(timeseries("DNFC backlog by age (encounters)", "Discharged, not final-coded encounters "
                     "by age in stream time: 0-1d, 1-3d, 3-7d, 7d+. Good: almost all under 3 days. "
                     "The backlog has no specialty label.",
                     [(Q["dnfc_by_age"], "{{age}}")], "short", stack=True), 8, 8)
    L.add(timeseries("DNFC backlog by age (expected charges)", "Expected charges held in the "
                     "DNFC backlog, by age: money that cannot be billed until coding completes.",
                     [(Q["dnfc_dollars_by_age"], "{{age}}")], "currencyUSD", stack=True), 8, 8)
    L.add(bargauge("DNFC older than 3 days, by facility and setting", "Encounters waiting more "
                   "than 3 days per coding team. The alert fires at 10 for an hour.",
                   [(Q["dnfc_over_3d_by_facility"], "{{facility}} {{setting}}")], "short",
                   [(None, GREEN), (1, YELLOW), (10, RED)]), 8, 8)
    L.row("Quality and automation")
    L.add(timeseries("Rework rate by setting", "Recodings (revision > 1) per first coding. A "
                     "rising line after a model or guideline change needs a look.",
                     [(Q["rework_by_setting"], "{{setting}}")], "percentunit"), 12, 8)
    L.add(timeseries("Straight-through (autonomous) rate by setting", "Share of first codings "
                     "done AUTONOMOUSLY per setting. Typically highest in professional and "
                     "outpatient work.", [(Q["stp_by_setting"], "{{setting}}")], "percentunit"),
          12, 8)
    return dashboard("coding-operations", "Coding KPIs / Coding operations",
                     "Coder productivity, AI lift, turnaround, DNFC backlog, rework and automation "
                     "and automation.",
                     [query_var("facility", "Facility"), query_var("setting", "Setting"),
                      query_var("specialty", "Specialty"), window_var("1d", WINDOW_HELP)],
                     L, "now-7d")


def denials():
    F = 'facility=~"$facility",setting=~"$setting",payer=~"$payer"'
    FP = 'facility=~"$facility",payer=~"$payer"'  # overturns: no setting label
    AI = 'coding_mode=~"AI_ASSISTED|AUTONOMOUS"'
    HU = 'coding_mode="MANUAL"'

    def quantile(q, by):
        by = f"le, {by}" if by else "le"
        return (f"histogram_quantile({q}, sum by ({by}) (rate(coding_claim_payment_seconds_bucket"
                f'{{payer=~"$payer"}}[$window]))) / 86400')

    Q = {
        "idr": ratio(f"coding_claims_denied_total{{{F}}}", f"coding_claims_adjudicated_total{{{F}}}"),
        "idr_dollars": ratio(f"coding_claims_denied_dollars_total{{{F}}}", f"coding_claims_billed_dollars_total{{{F}}}"),
        "fpy": ratio(f'coding_claims_adjudicated_total{{{F},outcome="paid"}}', f"coding_claims_adjudicated_total{{{F}}}"),
        "coding_ai": ratio(f'coding_claims_denied_total{{{F},category="coding",{AI}}}', f"coding_claims_adjudicated_total{{{F},{AI}}}"),
        "coding_human": ratio(f'coding_claims_denied_total{{{F},category="coding",{HU}}}', f"coding_claims_adjudicated_total{{{F},{HU}}}"),
        "overturn": ratio(f"coding_denials_overturned_total{{{FP}}}", f"coding_claims_denied_total{{{FP}}}"),
        "idr_by_payer": ratio(f"coding_claims_denied_total{{{F}}}", f"coding_claims_adjudicated_total{{{F}}}", "payer"),
        "idr_dollars_by_payer": ratio(f"coding_claims_denied_dollars_total{{{F}}}", f"coding_claims_billed_dollars_total{{{F}}}", "payer"),
        "idr_by_category": f"sum by (category) (rate(coding_claims_denied_total{{{F}}}[$window]))"
                           f" / on () group_left () (sum(rate(coding_claims_adjudicated_total{{{F}}}[$window])) > 0)",
        "denials_by_payer_category": f"sum by (payer, category) (increase(coding_claims_denied_total{{{F}}}[$window]))",
        "denied_dollars_by_payer_category": f"sum by (payer, category) (increase(coding_claims_denied_dollars_total{{{F}}}[$window]))",
        "coding_ai_by_payer": ratio(f'coding_claims_denied_total{{{F},category="coding",{AI}}}', f"coding_claims_adjudicated_total{{{F},{AI}}}", "payer"),
        "coding_human_by_payer": ratio(f'coding_claims_denied_total{{{F},category="coding",{HU}}}', f"coding_claims_adjudicated_total{{{F},{HU}}}", "payer"),
        "fpy_by_payer": ratio(f'coding_claims_adjudicated_total{{{F},outcome="paid"}}', f"coding_claims_adjudicated_total{{{F}}}", "payer"),
        "overturn_by_payer": ratio(f"coding_denials_overturned_total{{{FP}}}", f"coding_claims_denied_total{{{FP}}}", "payer"),
        "overturn_by_category": ratio(f"coding_denials_overturned_total{{{FP}}}", f"coding_claims_denied_total{{{FP}}}", "category"),
        "days_to_pay_p50": quantile(0.5, ""),
        "days_to_pay_p50_by_payer": quantile(0.5, "payer"),
        "days_to_pay_p90_by_payer": quantile(0.9, "payer"),
        "days_to_pay_p50_by_mode": quantile(0.5, "coding_mode"),
        "denied_dollars_per_day_by_category": f"sum by (category) (rate(coding_claims_denied_dollars_total{{{F}}}[$window])) * 86400",
        "paid_dollars_per_day": f"sum(rate(coding_claims_paid_dollars_total{{{F}}}[$window])) * 86400",
    }
    L = Layout()
    L.row("At a glance")
    L.add(stat("Initial denial rate (claims)", "Claims whose first adjudication is a denial, per "
               "first adjudication (HFMA initial denial rate). Good: under 5%; industry average "
               "runs around 10%.", [(Q["idr"], "")], "percentunit",
               [(None, GREEN), (0.05, YELLOW), (0.1, RED)], decimals=1), 4, 5)
    L.add(stat("Initial denial rate (dollars)", "Gross charges of initially denied claims per "
               "billed charges of first adjudications (HFMA: gross charges, not the denied "
               "amount). Good: under 5%.", [(Q["idr_dollars"], "")], "percentunit",
               [(None, GREEN), (0.05, YELLOW), (0.1, RED)], decimals=1), 4, 5)
    L.add(stat("First-pass yield", "First adjudications that are payments, per first "
               "adjudication (clean-claim rate as the payer sees it). Good: 90% or more.",
               [(Q["fpy"], "")], "percentunit", [(None, RED), (0.85, YELLOW), (0.9, GREEN)],
               decimals=1), 4, 5)
    L.add(stat("Coding-related denial rate: AI-coded", "Coding-category initial denials per first "
               "adjudication, claims first coded AI_ASSISTED or AUTONOMOUS. Good: at or below "
               "the human-coded rate beside it, and below the 3.5% pre-AI baseline.",
               [(Q["coding_ai"], "")], "percentunit", [(None, GREEN), (0.035, YELLOW), (0.05, RED)],
               decimals=2), 4, 5)
    L.add(stat("Coding-related denial rate: human-coded", "Coding-category initial denials per "
               "first adjudication, claims first coded MANUAL.", [(Q["coding_human"], "")],
               "percentunit", [(None, GREEN), (0.035, YELLOW), (0.05, RED)], decimals=2), 4, 5)
    L.add(stat("Median days to payment", "Median days from claim submission to payment, every "
               "ClaimPaid (recorded per payer and coding mode only). Good: at or below the business case baseline "
               "(42 days by default) minus the expected reduction.",
               [(Q["days_to_pay_p50"], "")], "d", [(None, "blue")], decimals=1), 4, 5)
    L.row("Initial denials by payer and category")
    L.add(timeseries("Initial denial rate by payer (claims)", "Per payer: initial denials per "
                     "first adjudication. A payer jumping away from its usual level is what "
                     "CodingDenialSpike opens a ticket for (annotations on this dashboard).",
                     [(Q["idr_by_payer"], "{{payer}}")], "percentunit"), 12, 8)
    L.add(timeseries("Initial denial rate by payer (dollars)", "Per payer: gross charges of "
                     "initially denied claims per billed charges. Higher than the claim rate "
                     "means large claims are denied.",
                     [(Q["idr_dollars_by_payer"], "{{payer}}")], "percentunit"), 12, 8)
    L.add(timeseries("Initial denial rate by category", "Initial denials of each category per "
                     "first adjudication (categories from the CARC codes of the remittance). Coding is what "
                     "coding quality controls; authorization and eligibility are front-end "
                     "issues.", [(Q["idr_by_category"], "{{category}}")], "percentunit",
                     stack=True), 12, 8)
    L.add(table("Initial denials by payer and category (window)", "Count and gross charges of "
                "initial denials per payer and category over the window, largest first: where to "
                "start a denial-prevention effort.",
                [(Q["denials_by_payer_category"], ""), (Q["denied_dollars_by_payer_category"], "")],
                "short", ["Denials", "Denied charges"], units=["short", "currencyUSD"]), 12, 8)
    L.row("Coding-related denials: AI-coded vs human-coded")
    L.add(timeseries("Coding-related denial rate: AI-coded vs human-coded", "Coding-category "
                     "initial denials per first adjudication. AI-coded = first coded AI_ASSISTED "
                     "or AUTONOMOUS; human-coded = MANUAL. Good: the AI line at or below the human "
                     "line. CodingAiCodingDenialsAboveHuman fires when it is significantly higher "
                     "over 7 days.",
                     [(Q["coding_ai"], "AI-coded"), (Q["coding_human"], "human-coded")],
                     "percentunit", steps=[(None, GREEN), (0.035, RED)], show_thresholds=True),
          12, 8)
    L.add(bargauge("Coding-related denial rate by payer: AI-coded vs human-coded", "Side by side "
                   "per payer over the window. A payer where AI-coded claims fare worse points at "
                   "a payer-specific coding rule the model misses.",
                   [(Q["coding_ai_by_payer"], "{{payer}} AI-coded"),
                    (Q["coding_human_by_payer"], "{{payer}} human-coded")], "percentunit",
                   [(None, GREEN), (0.035, YELLOW), (0.05, RED)]), 12, 8)
    L.row("Yield, overturns and cash")
    L.add(timeseries("First-pass yield by payer", "Per payer: first adjudications paid. Good: "
                     "90% or more.", [(Q["fpy_by_payer"], "{{payer}}")], "percentunit",
                     steps=[(None, RED), (0.9, GREEN)], show_thresholds=True), 12, 8)
    L.add(timeseries("Overturn rate by payer", "Initial denials later paid (first payment after "
                     "the denial) per initial denial, same window. Appeals take weeks: read it "
                     "with a 28d window. High overturns mean the denials were avoidable or the "
                     "payer denies by default. Overturns carry no setting.",
                     [(Q["overturn_by_payer"], "{{payer}}")], "percentunit"), 12, 8)
    L.add(bargauge("Overturn rate by denial category", "Which denial categories are won on "
                   "appeal. Overturns carry no setting.",
                   [(Q["overturn_by_category"], "{{category}}")], "percentunit"), 8, 8)
    L.add(timeseries("Days to payment p50 / p90 by payer", "Days from submission to payment, "
                     "median and 90th percentile per payer (buckets 7d .. 120d, interpolated). "
                     "Recorded per payer and coding mode only.",
                     [(Q["days_to_pay_p50_by_payer"], "p50 {{payer}}"),
                      (Q["days_to_pay_p90_by_payer"], "p90 {{payer}}")], "d"), 8, 8)
    L.add(timeseries("Median days to payment by coding mode", "Do AI-coded claims get paid "
                     "sooner? Median days to payment by the claim's coding mode.",
                     [(Q["days_to_pay_p50_by_mode"], "{{coding_mode}}")], "d"), 8, 8)
    L.add(timeseries("Denied charges per day, by category", "Gross charges of initially denied "
                     "claims per day, by category, against paid dollars per day.",
                     [(Q["denied_dollars_per_day_by_category"], "denied {{category}}"),
                      (Q["paid_dollars_per_day"], "paid (all)")], "currencyUSD"), 24, 8)
    return dashboard("coding-denials", "Coding KPIs / Denials",
                     "Initial denials, coding-related denials of AI-coded vs human-coded claims, "
                     "first-pass yield, overturns and days to payment.",
                     [query_var("facility", "Facility"), query_var("setting", "Setting"),
                      query_var("payer", "Payer"), window_var("7d", WINDOW_HELP)],
                     L, "now-30d",
                     [alert_annotation("Denial spikes", "CodingDenialSpike", ["payer"]),
                      alert_annotation("AI-coded denials above human-coded",
                                       "CodingAiCodingDenialsAboveHuman", [])])


# Claim adjustment reason codes (CARC) the dashboards spell out: every code of the default denial
# categories (DashboardsTest checks them against the pipeline's mapping) and the commonest others, abridged from the X12 code list (x12.org, Claim Adjustment
# Reason Codes). A code not listed here shows as its number.
CARC_DESCRIPTIONS = {
    "1": "Deductible amount",
    "2": "Coinsurance amount",
    "3": "Co-payment amount",
    "4": "Procedure code inconsistent with the modifier used, or a required modifier is missing",
    "5": "Procedure code/type of bill inconsistent with the place of service",
    "6": "Procedure/revenue code inconsistent with the patient's age",
    "7": "Procedure/revenue code inconsistent with the patient's gender",
    "8": "Procedure code inconsistent with the provider type/specialty (taxonomy)",
    "9": "Diagnosis inconsistent with the patient's age",
    "10": "Diagnosis inconsistent with the patient's gender",
    "11": "Diagnosis inconsistent with the procedure",
    "15": "Authorization number missing, invalid, or does not apply to the billed services or provider",
    "16": "Claim/service lacks information or has submission/billing error(s)",
    "18": "Exact duplicate claim/service",
    "26": "Expenses incurred prior to coverage",
    "27": "Expenses incurred after coverage terminated",
    "29": "The time limit for filing has expired",
    "31": "Patient cannot be identified as our insured",
    "33": "Insured has no dependent coverage",
    "45": "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement",
    "50": "Non-covered: not deemed a medical necessity by the payer",
    "55": "Procedure/treatment/drug deemed experimental/investigational by the payer",
    "56": "Procedure/treatment not deemed proven to be effective by the payer",
    "57": "(deactivated) Information submitted does not support this level of service, this many "
          "services, this length of service, this dosage, or this day's supply",
    "62": "(deactivated) Payment denied/reduced for absent or exceeded precertification/authorization",
    "96": "Non-covered charge(s)",
    "97": "Benefit included in the payment/allowance for another service/procedure already adjudicated",
    "109": "Claim/service not covered by this payer/contractor: send it to the correct payer",
    "146": "Diagnosis was invalid for the date(s) of service reported",
    "151": "Information submitted does not support this many/frequency of services",
    "167": "This (these) diagnosis(es) is (are) not covered",
    "177": "Patient has not met the required eligibility requirements",
    "181": "Procedure code was invalid on the date of service",
    "182": "Procedure modifier was invalid on the date of service",
    "189": "Not otherwise classified or unlisted procedure code billed when a specific code exists",
    "197": "Precertification/authorization/notification/pre-treatment absent",
    "198": "Precertification/notification/authorization/pre-treatment exceeded",
    "199": "Revenue code and procedure code do not match",
    "204": "Service/equipment/drug not covered under the patient's current benefit plan",
    "234": "This procedure is not paid separately",
    "236": "Procedure or procedure/modifier combination not compatible with another on the same day (NCCI)",
    "252": "An attachment/other documentation is required to adjudicate this claim/service",
}


def carc_mapping(panel, column="carc"):
    """Shows the CARC column of a table as "<code> <description>" (a Grafana value mapping: the
    table travels inside the dashboard, no lookup file or recording rule needed)."""
    options = {code: {"text": f"{code} {text}", "index": i}
               for i, (code, text) in enumerate(CARC_DESCRIPTIONS.items())}
    panel["fieldConfig"]["overrides"].append({
        "matcher": {"id": "byName", "options": column},
        "properties": [{"id": "mappings", "value": [{"type": "value", "options": options}]},
                       {"id": "custom.width", "value": 560}]})
    return panel


def revenue_cycle():
    FS = 'facility=~"$facility",setting=~"$setting"'
    FP = 'facility=~"$facility",payer=~"$payer"'
    F = 'facility=~"$facility",setting=~"$setting",payer=~"$payer"'
    P = 'payer=~"$payer"'
    # average daily gross charges billed over 90 days (recording rule from hourly rates, per job,
    # facility and payer; the pipeline's instances are summed in it)
    GROSS_F = 'coding:gross_charges_billed_per_day:avg90d{job=~"$job",facility=~"$facility"}'
    GROSS_FP = 'coding:gross_charges_billed_per_day:avg90d{job=~"$job",facility=~"$facility",payer=~"$payer"}'
    OVER_90 = 'age=~"90-120d|120d[+]"'

    def quantile(q, metric, sel, by=""):
        by = f"le, {by}" if by else "le"
        return f"histogram_quantile({q}, sum by ({by}) (rate({metric}_bucket{{{sel}}}[$window]))) / 86400"

    top_reasons = (f"topk(10, sum by (group, carc) (increase(coding_claim_denial_reason_dollars_total"
                   f"{{{P}}}[$window])))")
    Q = {
        "dnfb_dollars": f"sum(coding_dnfb_charges_dollars{{{FS}}})",
        "dnfb_days": f"sum(coding_dnfb_charges_dollars{{facility=~\"$facility\"}}) / (sum({GROSS_F}) > 0)",
        "dnfb_dollars_by_age": f"sum by (age) (coding_dnfb_charges_dollars{{{FS}}})",
        "dnfb_encounters_by_age": f"sum by (age) (coding_dnfb_encounters{{{FS}}})",
        "dnfb_days_by_age": f"sum by (age) (coding_dnfb_charges_dollars{{facility=~\"$facility\"}})"
                            f" / on () group_left () (sum({GROSS_F}) > 0)",
        "bill_lag_p50": quantile(0.5, "coding_bill_lag_seconds", FS),
        "bill_lag_p50_by_setting": quantile(0.5, "coding_bill_lag_seconds", FS, "setting"),
        "bill_lag_p90_by_setting": quantile(0.9, "coding_bill_lag_seconds", FS, "setting"),
        "ar_dollars": f"sum(coding_ar_open_dollars{{{FP}}})",
        "ar_days": f"sum(coding_ar_open_dollars{{{FP}}}) / (sum({GROSS_FP}) > 0)",
        "ar_over_90": f"(sum(coding_ar_open_dollars{{{FP},{OVER_90}}}) or vector(0))"
                      f" / (sum(coding_ar_open_dollars{{{FP}}}) > 0)",
        "ar_dollars_by_age": f"sum by (age) (coding_ar_open_dollars{{{FP}}})",
        "ar_days_by_payer": f"sum by (payer) (coding_ar_open_dollars{{{FP}}}) / (sum by (payer) ({GROSS_FP}) > 0)",
        "ar_over_90_by_payer": f"(sum by (payer) (coding_ar_open_dollars{{{FP},{OVER_90}}})"
                               f" or 0 * sum by (payer) (coding_ar_open_dollars{{{FP}}}))"
                               f" / (sum by (payer) (coding_ar_open_dollars{{{FP}}}) > 0)",
        "ar_dollars_by_payer_age": f"sum by (payer, age) (coding_ar_open_dollars{{{FP}}})",
        "ar_claims_by_payer_age": f"sum by (payer, age) (coding_ar_open_claims{{{FP}}})",
        "gross_per_day": f"sum(rate(coding_claims_submitted_dollars_total{{{F}}}[$window])) * 86400",
        "submitted_by_frequency": f"sum by (frequency) (increase(coding_claims_submitted_total{{{F}}}[$window]))",
        "reason_dollars": top_reasons,
        "reason_count": f"sum by (group, carc) (increase(coding_claim_denial_reasons_total{{{P}}}[$window]))"
                        f" and on (group, carc) {top_reasons}",
        "resolution_p50": quantile(0.5, "coding_denial_resolution_seconds", P),
        "resolution_p50_by_payer": quantile(0.5, "coding_denial_resolution_seconds", P, "payer"),
        "resolution_p90_by_payer": quantile(0.9, "coding_denial_resolution_seconds", P, "payer"),
        "resolution_p50_by_category": quantile(0.5, "coding_denial_resolution_seconds", P, "category"),
        "reversed_count": f"sum(increase(coding_claims_reversed_total{{{F}}}[$window])) or vector(0)",
        "reversed_dollars": f"sum(increase(coding_claims_reversed_dollars_total{{{F}}}[$window])) or vector(0)",
        "net_paid": f"sum(increase(coding_claims_paid_dollars_total{{{F}}}[$window]))"
                    f" - (sum(increase(coding_claims_reversed_dollars_total{{{F}}}[$window])) or vector(0))",
        "paid_per_day": f"sum(rate(coding_claims_paid_dollars_total{{{F}}}[$window])) * 86400",
        "reversed_per_day": f"(sum(rate(coding_claims_reversed_dollars_total{{{F}}}[$window])) or vector(0)) * 86400",
        "net_paid_per_day": f"(sum(rate(coding_claims_paid_dollars_total{{{F}}}[$window]))"
                            f" - (sum(rate(coding_claims_reversed_dollars_total{{{F}}}[$window])) or vector(0))) * 86400",
        "reversed_by_payer": f"sum by (payer) (increase(coding_claims_reversed_total{{{F}}}[$window]))",
        "reversed_dollars_by_payer": f"sum by (payer) (increase(coding_claims_reversed_dollars_total{{{F}}}[$window]))",
        "reversed_share_by_payer": f"sum by (payer) (increase(coding_claims_reversed_dollars_total{{{F}}}[$window]))"
                                   f" / (sum by (payer) (increase(coding_claims_paid_dollars_total{{{F}}}[$window])) > 0)",
        "payment_time_unknown": f"sum(increase(coding_claims_payment_time_unknown_total{{{P}}}[$window])) or vector(0)",
    }
    DAYS_HELP = ("Days = open dollars / average daily gross charges billed (ORIGINAL claims) over the "
                 "last 90 days, a recorded 90-day average per pipeline, facility and payer over all the "
                 "pipeline's instances: read days with Instance = All.")
    L = Layout()
    L.row("At a glance")
    L.add(stat("DNFB", "Expected charges of encounters discharged and not final billed (no claim "
               "sent yet). Good: low and steady.", [(Q["dnfb_dollars"], "")], "currencyUSD",
               [(None, "blue")], decimals=0), 4, 5)
    L.add(stat("DNFB days", "DNFB dollars in days of gross charges. " + DAYS_HELP + " Good: under 5 "
               "days (CodingDnfbDaysHigh above 5 for 2 hours).", [(Q["dnfb_days"], "")], "d",
               [(None, GREEN), (4, YELLOW), (5, RED)], decimals=1), 4, 5)
    L.add(stat("Bill lag, median", "Median days from discharge to the first claim (first non-VOID "
               "submission of each claim) over the window.", [(Q["bill_lag_p50"], "")], "d",
               [(None, GREEN), (5, YELLOW), (7, RED)], decimals=1), 4, 5)
    L.add(stat("A/R days", "Open accounts receivable (billed dollars of claims submitted and not "
               "paid) in days of gross charges. " + DAYS_HELP + " Good: under 40 days.",
               [(Q["ar_days"], "")], "d", [(None, GREEN), (40, YELLOW), (50, RED)], decimals=1), 4, 5)
    L.add(stat("A/R over 90 days", "Share of open A/R dollars whose first submission is more than 90 "
               "days old. Good: under 15%; CodingArOver90DaysHigh fires per payer above 25%.",
               [(Q["ar_over_90"], "")], "percentunit", [(None, GREEN), (0.15, YELLOW), (0.25, RED)],
               decimals=1), 4, 5)
    L.add(stat("Net paid (window)", "Payments minus reversals (payments taken back) over the window.",
               [(Q["net_paid"], "")], "currencyUSD", [(None, "blue")], decimals=0), 4, 5)
    L.row("DNFB and bill lag")
    L.add(timeseries("DNFB dollars by age", "Expected charges not final billed, by time since "
                     "discharge. Money ageing into 3-7d and 7d+ is waiting on coding, documentation "
                     "or billing edits.", [(Q["dnfb_dollars_by_age"], "{{age}}")], "currencyUSD",
                     stack=True), 8, 8)
    L.add(timeseries("DNFB days by age", "DNFB dollars of each age bucket in days of gross charges "
                     "(the buckets add up to DNFB days). " + DAYS_HELP,
                     [(Q["dnfb_days_by_age"], "{{age}}")], "d", stack=True,
                     steps=[(None, GREEN), (5, RED)], show_thresholds=True), 8, 8)
    L.add(timeseries("DNFB encounters by age", "Encounters discharged and not final billed, by "
                     "time since discharge.", [(Q["dnfb_encounters_by_age"], "{{age}}")], "short",
                     stack=True), 8, 8)
    L.add(timeseries("Bill lag p50 / p90 by setting", "Days from discharge to the first claim, "
                     "median and 90th percentile per setting (buckets 1d .. 60d, interpolated).",
                     [(Q["bill_lag_p50_by_setting"], "p50 {{setting}}"),
                      (Q["bill_lag_p90_by_setting"], "p90 {{setting}}")], "d"), 12, 8)
    L.add(timeseries("Gross charges billed per day", "Billed dollars of ORIGINAL claims per day "
                     "over the window: the denominator of DNFB and A/R days (which uses its 90-day "
                     "average).", [(Q["gross_per_day"], "gross charges")], "currencyUSD"), 6, 8)
    L.add(bargauge("Claims submitted by frequency (window)", "ClaimSubmitted events by frequency: "
                   "ORIGINAL, REPLACEMENT (rebills) and VOID. Many replacements mean claims go out "
                   "before they are right.", [(Q["submitted_by_frequency"], "{{frequency}}")],
                   "short", [(None, "blue")]), 6, 8)
    L.row("Accounts receivable")
    L.add(timeseries("A/R dollars by age bucket", "Open A/R (billed dollars of the latest non-VOID "
                     "submission) by time since the first submission.",
                     [(Q["ar_dollars_by_age"], "{{age}}")], "currencyUSD", stack=True), 8, 8)
    L.add(timeseries("A/R days by payer", "Per payer: open A/R dollars / the payer's average daily "
                     "gross charges billed. " + DAYS_HELP, [(Q["ar_days_by_payer"], "{{payer}}")],
                     "d"), 8, 8)
    L.add(timeseries("Share of A/R over 90 days by payer", "Per payer: open A/R dollars more than "
                     "90 days after the first submission, per open A/R dollar. CodingArOver90DaysHigh "
                     "fires above 25% (on at least 10 such claims).",
                     [(Q["ar_over_90_by_payer"], "{{payer}}")], "percentunit",
                     steps=[(None, GREEN), (0.25, RED)], show_thresholds=True), 8, 8)
    L.add(table("A/R by payer and age bucket", "Open A/R per payer and age bucket (time since the "
                "first submission): dollars and claims, largest first.",
                [(Q["ar_dollars_by_payer_age"], ""), (Q["ar_claims_by_payer_age"], "")],
                "short", ["Open A/R", "Open claims"], units=["currencyUSD", "short"]), 24, 8)
    L.row("Denial reasons and resolution")
    L.add(carc_mapping(table("Top denial reasons by dollars (window)", "The 10 claim adjustment "
                             "reasons (group and CARC, with its description) of initial denials "
                             "with the most adjusted dollars over the window: groups CO, OA and PI, "
                             "one count per adjustment entry.",
                             [(Q["reason_dollars"], ""), (Q["reason_count"], "")], "short",
                             ["Adjusted dollars", "Adjustments"], sort_by="Adjusted dollars",
                             units=["currencyUSD", "short"])), 12, 10)
    L.add(timeseries("Denial to resolution p50 / p90 by payer", "Days from an initial denial to the "
                     "payment that overturned it, median and 90th percentile per payer (buckets 7d "
                     ".. 180d, interpolated). Only denials that were overturned count.",
                     [(Q["resolution_p50_by_payer"], "p50 {{payer}}"),
                      (Q["resolution_p90_by_payer"], "p90 {{payer}}")], "d"), 12, 10)
    L.add(stat("Denial to resolution, median", "Median days from an initial denial to its "
               "overturning payment, over the window.", [(Q["resolution_p50"], "")], "d",
               [(None, "blue")], decimals=1), 6, 6)
    L.add(bargauge("Denial to resolution by category, median", "Median days from an initial denial "
                   "to its overturning payment, by the denial's category.",
                   [(Q["resolution_p50_by_category"], "{{category}}")], "d", [(None, "blue")]), 18, 6)
    L.row("Reversals and net paid")
    L.add(stat("Reversals (window)", "ClaimReversed events (payments taken back, partly or wholly) "
               "over the window. A reversal reopens the claim in A/R.",
               [(Q["reversed_count"], "")], "short", [(None, "blue")], decimals=0), 4, 5)
    L.add(stat("Reversed dollars (window)", "Dollars of payments taken back over the window.",
               [(Q["reversed_dollars"], "")], "currencyUSD", [(None, "blue")], decimals=0), 4, 5)
    L.add(stat("Payments with unknown submission time (window)", "ClaimPaid events whose claim's "
               "submission time is unknown: counted everywhere but left out of days to payment.",
               [(Q["payment_time_unknown"], "")], "short", [(None, GREEN), (1, YELLOW)], decimals=0),
          4, 5)
    L.add(timeseries("Paid, reversed and net paid per day", "Payments, reversals and net paid "
                     "(paid − reversed) in dollars per day over the window.",
                     [(Q["paid_per_day"], "paid"), (Q["reversed_per_day"], "reversed"),
                      (Q["net_paid_per_day"], "net paid")], "currencyUSD"), 12, 10)
    L.add(table("Reversals by payer (window)", "Reversals per payer over the window: count, dollars "
                "and reversed dollars per paid dollar.",
                [(Q["reversed_by_payer"], ""), (Q["reversed_dollars_by_payer"], ""),
                 (Q["reversed_share_by_payer"], "")], "short",
                ["Reversals", "Reversed", "Reversed per paid $"],
                sort_by="Reversed", units=["short", "currencyUSD", "percentunit"]), 12, 5)
    return dashboard("coding-revenue-cycle", "Coding KPIs / Revenue cycle",
                     "The billing side: DNFB and bill lag, accounts receivable by payer and age, "
                     "top denial reasons, denial to resolution, reversals and net paid.",
                     [query_var("facility", "Facility"), query_var("setting", "Setting"),
                      query_var("payer", "Payer"), window_var("7d", WINDOW_HELP)],
                     L, "now-30d",
                     [alert_annotation("DNFB days high", "CodingDnfbDaysHigh", ["facility"]),
                      alert_annotation("A/R over 90 days high", "CodingArOver90DaysHigh", ["payer"]),
                      alert_annotation("Denial spikes", "CodingDenialSpike", ["payer"])])


DRIFT_NO_DATA = ("No data yet: the drift gauges appear once the E/M baseline period and the "
                 "first daily acceptance rates of a model version are complete")


def ai_governance():
    F = 'facility=~"$facility",specialty=~"$specialty",model_version=~"$model_version"'
    FSP = 'facility=~"$facility",specialty=~"$specialty"'  # final codes, E/M: no model_version
    SM = 'specialty=~"$specialty",model_version=~"$model_version"'  # CUSUM
    AI_SOURCES = 'source=~"AI_ACCEPTED|AI_MODIFIED|AUTONOMOUS"'
    BY = "specialty, model_version"

    def decision_rate(decision, by=BY):
        return ratio(f'coding_ai_suggestions_total{{{F},decision="{decision}"}}', f"coding_ai_suggestions_total{{{F}}}", by)

    def review_quantile(q):
        return (f"histogram_quantile({q}, sum by (le, decision) (rate(coding_ai_review_seconds_bucket"
                f'{{specialty=~"$specialty"}}[$window])))')

    Q = {
        "acceptance": decision_rate("ACCEPTED", ""),
        "modification": decision_rate("MODIFIED", ""),
        "rejection": decision_rate("REJECTED", ""),
        "acceptance_by": decision_rate("ACCEPTED"),
        "modification_by": decision_rate("MODIFIED"),
        "rejection_by": decision_rate("REJECTED"),
        "decisions_table": f"sum by (specialty, model_version, decision) (increase(coding_ai_suggestions_total{{{F}}}[$window]))",
        "share_table": f"sum by (specialty, model_version, decision) (increase(coding_ai_suggestions_total{{{F}}}[$window]))"
                       f" / ignoring (decision) group_left () (sum by (specialty, model_version) (increase(coding_ai_suggestions_total{{{F}}}[$window])) > 0)",
        "review_heatmap": 'sum by (le) (increase(coding_ai_review_seconds_bucket{specialty=~"$specialty"}[$__rate_interval]))',
        "review_p50": review_quantile(0.5),
        "review_p90": review_quantile(0.9),
        "fast_review_share": '(sum(rate(coding_ai_review_seconds_bucket{specialty=~"$specialty",le=~"2|2[.]0"}[$window])) or vector(0))'
                             ' / (sum(rate(coding_ai_review_seconds_count{specialty=~"$specialty"}[$window])) > 0)',
        "code_share": ratio(f"coding_final_codes_total{{{FSP},{AI_SOURCES}}}", f"coding_final_codes_total{{{FSP}}}"),
        "code_share_by_specialty": ratio(f"coding_final_codes_total{{{FSP},{AI_SOURCES}}}",
                                         f"coding_final_codes_total{{{FSP}}}", "specialty"),
        "codes_per_day_by_source": f"sum by (source) (rate(coding_final_codes_total{{{FSP}}}[$window])) * 86400",
        # drift and compliance gauges
        "em_level_share": f"avg by (level) (coding_em_level_share{{{FSP}}})",
        "em_psi": f"max by (facility, specialty) (coding_em_level_psi{{{FSP}}})",
        "acceptance_cusum": f'max by (specialty, model_version) (coding_ai_acceptance_cusum{{{SM},direction="up"}})',
        "coder_acceptance": 'sum by (coder) (increase(coding_coder_ai_suggestions_total{decision="ACCEPTED"}[28d]))'
                            ' / (sum by (coder) (increase(coding_coder_ai_suggestions_total[28d])) >= 200)',
        "coder_decisions": "sum by (coder) (increase(coding_coder_ai_suggestions_total[28d])) >= 200",
    }
    L = Layout()
    L.row("Decisions on AI suggestions")
    L.add(stat("Acceptance rate", "AI-suggested codes accepted as suggested, per reviewed "
               "suggestion. Neither very low (the model is not helping) nor near 100% (coders may "
               "be rubber-stamping; see the review times) is good.",
               [(Q["acceptance"], "")], "percentunit",
               [(None, YELLOW), (0.5, GREEN), (0.95, YELLOW)], decimals=1), 6, 5)
    L.add(stat("Modification rate", "Suggestions a coder changed before keeping (e.g. more "
               "specific code, added modifier). Modified codes still count as AI codes.",
               [(Q["modification"], "")], "percentunit", [(None, "blue")], decimals=1), 6, 5)
    L.add(stat("Rejection rate", "Suggestions a coder rejected. A rise after a model release is "
               "the first sign of a worse model.", [(Q["rejection"], "")], "percentunit",
               [(None, GREEN), (0.2, YELLOW), (0.35, RED)], decimals=1), 6, 5)
    L.add(stat("AI code share", "Final codes of first codings that came from the AI (accepted, "
               "modified or autonomous) per final code. Final codes carry no model version.",
               [(Q["code_share"], "")], "percentunit", [(None, "blue")], decimals=1), 6, 5)
    L.add(timeseries("Acceptance rate by specialty and model version", "Accepted per reviewed "
                     "suggestion. Compare a new model version with the previous one in the same "
                     "specialty.", [(Q["acceptance_by"], "{{specialty}} {{model_version}}")],
                     "percentunit"), 8, 8)
    L.add(timeseries("Modification rate by specialty and model version", "Modified per reviewed "
                     "suggestion.", [(Q["modification_by"], "{{specialty}} {{model_version}}")],
                     "percentunit"), 8, 8)
    L.add(timeseries("Rejection rate by specialty and model version", "Rejected per reviewed "
                     "suggestion.", [(Q["rejection_by"], "{{specialty}} {{model_version}}")],
                     "percentunit"), 8, 8)
    L.add(table("Decisions by specialty and model version (window)", "Reviewed suggestions and "
                "their share per decision, per specialty and model version.",
                [(Q["decisions_table"], ""), (Q["share_table"], "")], "short",
                ["Suggestions", "Share"], units=["short", "percentunit"]), 24, 8)
    L.row("Review time")
    L.add(heatmap("Review-time distribution", "How long coders look at a suggestion before "
                  "deciding (buckets 1 s .. 300 s). A mass at the 1-2 s buckets with a high "
                  "acceptance rate is the rubber-stamping pattern auditors look for. Review "
                  "times are recorded per specialty and decision only.", Q["review_heatmap"], "s"), 12, 8)
    L.add(timeseries("Review time p50 / p90 by decision", "Median and 90th percentile review "
                     "seconds per decision. Accepting should be quick, but not instant.",
                     [(Q["review_p50"], "p50 {{decision}}"), (Q["review_p90"], "p90 {{decision}}")],
                     "s"), 8, 8)
    L.add(stat("Reviews decided within 2 seconds", "Share of reviewed suggestions decided in 2 "
               "seconds or less. Good: small; a large share means suggestions are not really "
               "reviewed.", [(Q["fast_review_share"], "")], "percentunit",
               [(None, GREEN), (0.2, YELLOW), (0.4, RED)], decimals=1), 4, 8)
    L.row("AI code share")
    L.add(timeseries("AI code share by specialty", "AI-originated final codes (accepted, "
                     "modified, autonomous) per final code, by specialty.",
                     [(Q["code_share_by_specialty"], "{{specialty}}")], "percentunit"), 12, 8)
    L.add(timeseries("Final codes per day, by source", "Final codes of first codings per day by "
                     "where they came from: MANUAL, AI_ACCEPTED, AI_MODIFIED, AUTONOMOUS.",
                     [(Q["codes_per_day_by_source"], "{{source}}")], "short", stack=True), 12, 8)
    L.row("Drift and compliance")
    L.add(bargauge("E/M level distribution (last 28 days)", "Share of each E/M level among "
                   "first-coding E/M codes over the drift window, averaged over the selected "
                   "facilities and specialties (pick one of each for its exact distribution). "
                   "Compare with CMS PEPPER / peer distributions: a shift to the highest levels "
                   "is an upcoding risk.", [(Q["em_level_share"], "{{level}}")], "percentunit",
                   [(None, "blue")], no_value=DRIFT_NO_DATA), 8, 8)
    L.add(timeseries("E/M level PSI against baseline", "Population stability index of the E/M "
                     "level distribution against the baseline period, per facility and "
                     "specialty. Under 0.1 stable, 0.1-0.25 watch, 0.25 and above a shift "
                     "(alerts CodingEmLevelDistributionWatch / Shift).",
                     [(Q["em_psi"], "{{facility}} {{specialty}}")], "none",
                     steps=[(None, GREEN), (0.1, YELLOW), (0.25, RED)], show_thresholds=True,
                     no_value=DRIFT_NO_DATA), 8, 8)
    L.add(timeseries("AI acceptance CUSUM by specialty and model version", "One-sided upper "
                     "CUSUM of the daily acceptance rate against its baseline, in standard "
                     "deviations; resets with a new model version. Above 5: acceptance has "
                     "drifted up (alert CodingAiAcceptanceDrift).",
                     [(Q["acceptance_cusum"], "{{specialty}} {{model_version}}")], "none",
                     steps=[(None, GREEN), (5, RED)], show_thresholds=True,
                     no_value=DRIFT_NO_DATA), 8, 8)
    L.add(table("Coders by AI acceptance (28 days, at least 200 suggestions)", "Per coder (staff "
                "id): share of AI suggestions accepted and number of decisions over 28 days. "
                "98% or more is an audit finding when the median review is under 3 s; the "
                "evidence and sample encounters are in the audit topic. Per coder, over every "
                "facility and specialty.", [(Q["coder_acceptance"], ""), (Q["coder_decisions"], "")], "short",
                ["Acceptance", "Decisions"], units=["percentunit", "short"],
                no_value="No coder has 200 AI suggestion decisions in the last 28 days yet"), 24, 8)
    auditors_v2(L)
    return dashboard("coding-ai-governance", "Coding KPIs / AI governance and audit",
                     "What coders do with AI suggestions, how long they look at them, how much of "
                     "the coding is the AI's, and drift of E/M levels and acceptance.",
                     [query_var("facility", "Facility"), query_var("specialty", "Specialty"),
                      query_var("model_version", "Model version"), window_var("7d", WINDOW_HELP)],
                     L, "now-30d",
                     [alert_annotation("Drift alerts", "CodingAiAcceptanceDrift", ["specialty", "model_version"])])


AUDITORS_NO_DATA = "No data yet: no version-2 events (model_version, CodingAudited) or no finding"


def wilson(p, n, sign):
    """A bound of the 95 % Wilson score interval (z = 1.96) of a proportion p over n trials:
    (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    return (f"(({p} + 1.9208 / {n}) {sign} 1.96 * sqrt({p} * (1 - {p}) / {n} + 0.9604 / ({n} ^ 2)))"
            f" / (1 + 3.8416 / {n})")


def auditors_v2(L):
    """The auditors' panels of KPIS.md §5 version 2 on the AI governance dashboard: recall and
    acceptance by model version, the lower acceptance CUSUM, QA accuracy by coding mode and
    specialty with its 95 % Wilson interval, QA dollar impact, oversight breaches, open findings."""
    F = 'facility=~"$facility",specialty=~"$specialty",model_version=~"$model_version"'
    FSP = 'facility=~"$facility",specialty=~"$specialty"'  # QA audits: no model_version label
    SM = 'specialty=~"$specialty",model_version=~"$model_version"'

    def qa(by):
        n = f"{agg(by)}(increase(coding_qa_audits_total{{{FSP}}}[$window]))"
        accurate = f'({agg(by)}(increase(coding_qa_audits_total{{{FSP},verdict="ACCURATE"}}[$window])) or 0 * {n})'
        p = f"({accurate} / ({n} > 0))"
        return {"n": n, "p": p, "lower": wilson(p, n, "-"), "upper": wilson(p, n, "+")}

    by_mode = qa("coding_mode")
    by_mode_specialty = qa("coding_mode, specialty")
    Q = {
        "recall_by_model": ratio(f'coding_ai_assisted_codes_total{{{F},source=~"AI_ACCEPTED|AI_MODIFIED"}}',
                                 f"coding_ai_assisted_codes_total{{{F}}}", "model_version"),
        "acceptance_by_model": ratio(f'coding_ai_suggestions_total{{{F},decision="ACCEPTED"}}',
                                     f"coding_ai_suggestions_total{{{F}}}", "model_version"),
        "cusum_down": f'max by (specialty, model_version) (coding_ai_acceptance_cusum{{{SM},direction="down"}})',
        "dollars_per_day": f"sum by (coding_mode, direction) (rate(coding_qa_dollar_impact_dollars_total{{{FSP}}}[$window])) * 86400",
        "breaches_by_rule": 'sum by (rule) (increase(coding_oversight_breaches_total{facility=~"$facility"}[$window]))',
        "open_findings": "sum by (kind) (coding_audit_findings_open)",
    }
    L.row("Auditors: recall, QA audits and oversight")
    L.add(timeseries("AI recall by model version", "Of the final codes of AI-assisted first "
                     "codings, the share the AI suggested (accepted or modified); the rest coders "
                     "added by hand: codes the model missed. Read it beside the acceptance rate on "
                     "the right: a model can be accepted often and still miss codes (alert "
                     "CodingAiRecallBelowFloor).", [(Q["recall_by_model"], "recall {{model_version}}")],
                     "percentunit", no_value=AUDITORS_NO_DATA), 12, 8)
    L.add(timeseries("AI acceptance rate by model version", "Accepted per reviewed suggestion, by "
                     "model version, beside its recall on the left.",
                     [(Q["acceptance_by_model"], "acceptance {{model_version}}")], "percentunit"), 12, 8)
    L.add(timeseries("AI acceptance CUSUM down (collapse) by specialty and model version", "Lower "
                     "CUSUM of the daily acceptance rate against the model version's baseline, in "
                     "standard deviations; the upper one is in the drift row above. Above 5: "
                     "acceptance has collapsed, a model that got worse (alert "
                     "CodingAiAcceptanceCollapse; finding ACCEPTANCE_COLLAPSE).",
                     [(Q["cusum_down"], "{{specialty}} {{model_version}}")], "none",
                     steps=[(None, GREEN), (5, RED)], show_thresholds=True,
                     no_value=DRIFT_NO_DATA), 12, 8)
    L.add(timeseries("QA accuracy by coding mode, 95% Wilson interval", "Audited codings found "
                     "ACCURATE per audit, by coding mode, with the bounds of the 95% Wilson interval "
                     "(how far the true accuracy may be, given how few were audited). Two modes "
                     "differ when their intervals do not overlap (alert CodingQaAccuracyAiBelowHuman, "
                     "over 30 days).",
                     [(by_mode["p"], "accuracy {{coding_mode}}"), (by_mode["lower"], "lower 95% {{coding_mode}}"),
                      (by_mode["upper"], "upper 95% {{coding_mode}}")], "percentunit",
                     no_value=AUDITORS_NO_DATA), 12, 8)
    qa_table = table("QA accuracy by coding mode and specialty (window)", "Per coding mode and "
                     "specialty: accuracy of the QA audits in the window, the 95% Wilson interval and "
                     "the number of audits. A wide interval means too few audits to tell.",
                     [(by_mode_specialty["p"], ""), (by_mode_specialty["lower"], ""),
                      (by_mode_specialty["upper"], ""), (by_mode_specialty["n"], "")], "percentunit",
                     ["Accuracy", "Lower 95%", "Upper 95%", "Audits"], no_value=AUDITORS_NO_DATA,
                     units=["percentunit", "percentunit", "percentunit", "short"])
    L.add(qa_table, 12, 8)
    L.add(timeseries("QA dollar impact per day, over and under", "Dollar impact of the errors QA "
                     "audits found, per day, by coding mode: under = revenue the coding left out, "
                     "over = billing the documentation did not support (the compliance risk).",
                     [(Q["dollars_per_day"], "{{direction}} {{coding_mode}}")], "currencyUSD",
                     no_value=AUDITORS_NO_DATA), 12, 8)
    L.add(bargauge("Oversight breaches by rule (window)", "Autonomous first codings that a "
                   "mandatory-review rule forbids, by rule (alert CodingOversightBreach). Each is "
                   "an OVERSIGHT_BREACH finding with the encounter on the audit topic. Facility "
                   "filter only.", [(Q["breaches_by_rule"], "{{rule}}")], "short",
                   [(None, GREEN), (1, RED)], no_value="No oversight breach in the window"), 6, 8)
    L.add(bargauge("Open audit findings by kind", "Audit findings raised and not yet closed, by "
                   "kind, over every instance (an oversight breach stays open for its review "
                   "period). The cases are in the audit topic: coding-kpi audit --open. Filters do "
                   "not apply.", [(Q["open_findings"], "{{kind}}")], "short",
                   [(None, GREEN), (1, YELLOW)], no_value=AUDITORS_NO_DATA), 6, 8)


def pipeline_health():
    # job and instance filters are added to every selector by dashboard()
    LAG = 'kafka_consumer_fetch_manager_records_lag_max{client_id!~".*restore-consumer.*"}'

    def latency(q):
        return (f"histogram_quantile({q}, sum by (le) (rate(coding_pipeline_event_latency_seconds_bucket"
                f"[$__rate_interval])))")

    Q = {
        "ready": f"sum(coding_pipeline_ready)",
        "instances": f"count(coding_pipeline_ready)",
        "freshness": f"time() - max(coding_stream_time_seconds)",
        "dead_letters_1h": f"sum(increase(coding_events_rejected_total[1h])) or vector(0)",
        "lag_max": f"max({LAG})",
        "lag_by_instance": f"max by (instance) ({LAG})",
        "lag_by_topic": f"max by (topic) ({LAG})",
        "e2e_p50": latency(0.5), "e2e_p90": latency(0.9), "e2e_p99": latency(0.99),
        "process_rate": f"sum by (instance) (kafka_stream_thread_process_rate)",
        "process_latency": f"max by (instance) (kafka_stream_thread_process_latency_avg)",
        "events_by_type": f"sum by (type) (rate(coding_events_total[$__rate_interval]))",
        "duplicates_by_type": f"sum by (type) (rate(coding_events_duplicate_total[$__rate_interval]))",
        "rejected_by_reason": f"sum by (reason) (rate(coding_events_rejected_total[$__rate_interval]))",
        "dead_letter_share": f"(sum(rate(coding_events_rejected_total[$__rate_interval])) or vector(0))"
                             f" / ((sum(rate(coding_events_rejected_total[$__rate_interval])) or vector(0))"
                             f" + sum(rate(coding_events_total[$__rate_interval])) > 0)",
        "stream_time_behind": f"time() - max by (instance) (coding_stream_time_seconds)",
        "stream_time_advance": f"max by (instance) (deriv(coding_stream_time_seconds[$__rate_interval]))",
        "dropped_records": f"sum by (instance) (rate(kafka_stream_task_dropped_records_total[$__rate_interval]))",
        "heap_used": f'sum by (instance) (jvm_memory_used_bytes{{area="heap"}})',
        "heap_max": f'sum by (instance) (jvm_memory_max_bytes{{area="heap"}} > 0)',
        "nonheap_used": f'sum by (instance) (jvm_memory_used_bytes{{area="nonheap"}})',
        "gc_time": f"sum by (instance) (rate(jvm_gc_pause_seconds_sum[$__rate_interval]))",
        "cpu": f"max by (instance) (process_cpu_usage)",
    }
    L = Layout()
    L.row("At a glance")
    L.add(stat("Instances RUNNING", "Instances whose Kafka Streams client is RUNNING "
               "(coding_pipeline_ready) out of the instances reporting. Good: all of them.",
               [(Q["ready"], "running"), (Q["instances"], "reporting")], "short",
               [(None, RED), (1, GREEN)], decimals=0, graph=False), 5, 5)
    L.add(stat("Largest input lag", "Largest consumer lag (records) over the input partitions. "
               "Good: near 0 and not growing; CodingPipelineStalled fires when it grows while "
               "stream time stands still.", [(Q["lag_max"], "")], "short",
               [(None, GREEN), (10000, YELLOW), (100000, RED)], decimals=0), 5, 5)
    L.add(stat("Stream time behind wall clock", "Wall clock minus the newest event time processed "
               "(stream time). Upstream feeds arrive in batches, so hours can be normal; it must "
               "not grow without bound. In a replay it reflects the replayed period.",
               [(Q["freshness"], "")], "s", [(None, "blue")]), 5, 5)
    L.add(stat("Dead-lettered in the last hour", "Input records sent to the dead-letter topic in "
               "the last hour: they are missing from every KPI until fixed and replayed.",
               [(Q["dead_letters_1h"], "")], "short", [(None, GREEN), (1, YELLOW), (100, RED)],
               decimals=0), 4, 5)
    L.add(stat("End-to-end latency p90", "Wall clock at processing minus the record's Kafka "
               "timestamp, 90th percentile (histogram buckets 10 ms .. 1 h; a backlog older than "
               "an hour shows as 1 h). Good: seconds.", [(Q["e2e_p90"], "")], "s",
               [(None, GREEN), (30, YELLOW), (300, RED)]), 5, 5)
    L.row("Throughput and lag")
    L.add(timeseries("Consumer lag by instance (records)", "Largest lag of the input partitions "
                     "each instance consumes (restore consumers excluded).",
                     [(Q["lag_by_instance"], "{{instance}}")], "short"), 12, 8)
    L.add(timeseries("Consumer lag by topic (records)", "Largest lag per input topic: shows which "
                     "upstream feed is backing up.", [(Q["lag_by_topic"], "{{topic}}")], "short"),
          12, 8)
    L.add(timeseries("Process rate by instance (records/s)", "Records processed per second by "
                     "the stream threads (Kafka Streams process-rate).",
                     [(Q["process_rate"], "{{instance}}")], "cps"), 8, 8)
    L.add(timeseries("End-to-end latency p50 / p90 / p99", "Wall clock at processing minus the "
                     "record's Kafka timestamp (histogram buckets 10 ms .. 1 h; beyond 1 h the "
                     "percentiles show 1 h: read the consumer lag then).",
                     [(Q["e2e_p50"], "p50"), (Q["e2e_p90"], "p90"), (Q["e2e_p99"], "p99")], "s"),
          8, 8)
    L.add(timeseries("Process latency (average, ms)", "Average time a stream thread spends "
                     "processing one record (Kafka Streams process-latency-avg, milliseconds).",
                     [(Q["process_latency"], "{{instance}}")], "ms"), 8, 8)
    L.row("Records: accepted, duplicate, dead-lettered")
    L.add(timeseries("Accepted events by type (per second)", "Valid, first-seen events by type.",
                     [(Q["events_by_type"], "{{type}}")], "cps", stack=True), 8, 8)
    L.add(timeseries("Duplicates ignored by type (per second)", "Valid records whose event_id was "
                     "already accepted: counted, otherwise ignored. A burst means an upstream "
                     "resend or a replay.", [(Q["duplicates_by_type"], "{{type}}")], "cps"), 8, 8)
    L.add(timeseries("Dead-lettered records by reason (per second)", "Invalid records sent to the "
                     "dead-letter topic, by reason (undecodable, unknown_schema, missing_field, "
                     "...). The runbook of CodingDeadLetterRateRising says what each means.",
                     [(Q["rejected_by_reason"], "{{reason}}")], "cps", stack=True), 8, 8)
    L.add(timeseries("Dead-letter share of input", "Dead-lettered records per input record. "
                     "CodingDeadLetterRateRising fires above 1% over 15 minutes.",
                     [(Q["dead_letter_share"], "dead-lettered")], "percentunit",
                     steps=[(None, GREEN), (0.01, RED)], show_thresholds=True), 8, 8)
    L.add(timeseries("Dropped records (Kafka Streams)", "Records Kafka Streams itself dropped "
                     "(e.g. deserialization or timestamp problems past the project's handlers). "
                     "Good: 0.", [(Q["dropped_records"], "{{instance}}")], "cps"), 8, 8)
    L.add(timeseries("Stream-time freshness", "Left: wall clock minus stream time per instance. "
                     "Right axis: stream seconds per wall-clock second (1 = keeping pace, 0 = "
                     "stalled, above 1 = catching up or replaying).",
                     [(Q["stream_time_behind"], "behind {{instance}}"),
                      (Q["stream_time_advance"], "advance {{instance}}")], "s",
                     right_axis=("B", "none")), 8, 8)
    L.row("JVM")
    L.add(timeseries("JVM heap used vs max", "Heap in use per instance against the maximum heap. "
                     "A sawtooth is normal; used staying near max means GC pressure.",
                     [(Q["heap_used"], "used {{instance}}"), (Q["heap_max"], "max {{instance}}")],
                     "bytes"), 8, 8)
    L.add(timeseries("JVM non-heap used", "Metaspace, code cache and other non-heap memory. "
                     "(RocksDB state stores live outside the JVM and are not in these numbers.)",
                     [(Q["nonheap_used"], "{{instance}}")], "bytes"), 8, 8)
    L.add(timeseries("GC pause time and CPU", "Share of wall time spent in GC pauses, and process "
                     "CPU usage (0-1 of the cores available). Good: GC under 5%.",
                     [(Q["gc_time"], "GC {{instance}}"), (Q["cpu"], "CPU {{instance}}")],
                     "percentunit"), 8, 8)
    return dashboard("coding-pipeline-health", "Coding KPIs / Pipeline health",
                     "Kafka Streams pipeline: readiness, lag, throughput, latency, dead letters, "
                     "stream-time freshness and JVM (Micrometer KafkaStreamsMetrics names).",
                     [query_var("instance", "Instance")], L, "now-6h",
                     [alert_annotation("Pipeline alerts", "CodingPipelineStalled", ["instance"]),
                      alert_annotation("Not ready", "CodingPipelineNotReady", ["instance"])])


DASHBOARDS = {
    "executive-roi.json": executive_roi,
    "coding-operations.json": coding_operations,
    "denials.json": denials,
    "revenue-cycle.json": revenue_cycle,
    "ai-governance.json": ai_governance,
    "pipeline-health.json": pipeline_health,
}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, build in DASHBOARDS.items():
        text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
        path = OUT / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        sys.exit("not up to date (run python3 grafana/build_dashboards.py): " + ", ".join(stale))


if __name__ == "__main__":
    main()
