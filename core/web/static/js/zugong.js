/*
 * Zugong (组工): the behaviour of every page, in one file, so that no template carries
 * an inline script or on…= handler and the Content-Security-Policy can forbid them.
 *
 *   <form data-confirm="确定…？">               asks before submitting
 *   <button data-remove-after-request hx-get…>  removes itself after a successful htmx request
 *   <button data-add-row="rows-id" data-row-template="template-id" data-row-class="cls">
 *                                               appends a copy of the template, __i__ numbered
 *   <div data-chart="bars|pie" data-chart-data="json-script-id" [data-chart-key="k"]>
 *   <div data-chart="bars|pie" data-chart-labels="a,b" data-chart-values="1,2" [data-chart-name]>
 *                                               an ECharts chart from rows [{title, count}]
 *                                               (data in a non-executed application/json script)
 *   <div data-chart="series" data-chart-data="json-script-id">
 *                                               grouped bars, one series per row of
 *                                               {labels: [..], series: [{name, values}]}
 *   <textarea data-word-count="counter-id">     keeps the counter's text at the 字数 (characters
 *                                               without whitespace, as the server counts them)
 *   <button data-print>                         opens the browser's print dialog
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (event.detail.successful && elt && elt.hasAttribute("data-remove-after-request")) {
      elt.remove();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-row]");
    if (!button) { return; }
    var list = document.getElementById(button.getAttribute("data-add-row"));
    var template = document.getElementById(button.getAttribute("data-row-template"));
    var next = list.querySelectorAll("." + button.getAttribute("data-row-class")).length;
    list.insertAdjacentHTML("beforeend", template.innerHTML.split("__i__").join(String(next)));
  });

  var PALETTE = ["#b71c1c", "#f59e0b", "#e53935", "#6d4c41", "#546e7a", "#8e24aa", "#00897b"];

  function chartRows(el) {
    var source = el.getAttribute("data-chart-data");
    if (source) {
      var data = JSON.parse(document.getElementById(source).textContent);
      var key = el.getAttribute("data-chart-key");
      return key ? data[key] : data;
    }
    var labels = (el.getAttribute("data-chart-labels") || "").split(",");
    var values = (el.getAttribute("data-chart-values") || "").split(",");
    return labels.map(function (title, i) { return { title: title, count: Number(values[i]) }; });
  }

  function bars(el, rows) {
    var rotate = Number(el.getAttribute("data-chart-rotate") || 0);
    return {
      animation: false, color: PALETTE, tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: rotate ? 60 : 30 },
      xAxis: {
        type: "category", axisLabel: { rotate: rotate },
        data: rows.map(function (r) { return r.title; })
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        type: "bar", name: el.getAttribute("data-chart-name") || "",
        data: rows.map(function (r) { return r.count; })
      }]
    };
  }

  function series(data) {
    return {
      animation: false, color: PALETTE, tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 40, right: 10, top: 10, bottom: 50 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) { return { type: "bar", name: s.name, data: s.values }; })
    };
  }

  function pie(el, rows) {
    var shown = rows.filter(function (r) { return r.count > 0; });
    if (!shown.length) { return null; }  // an all-zero pie would draw equal slices
    return {
      animation: false, color: PALETTE, tooltip: { trigger: "item" }, legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["40%", "65%"], center: ["50%", "45%"], label: { show: false },
        data: shown.map(function (r) { return { name: r.title, value: r.count }; })
      }]
    };
  }

  function countWords(area) {
    var counter = document.getElementById(area.getAttribute("data-word-count"));
    if (counter) { counter.textContent = String(area.value.replace(/\s+/g, "").length); }
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (area.hasAttribute && area.hasAttribute("data-word-count")) { countWords(area); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-word-count]").forEach(countWords);
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var rows = chartRows(el);
      if (!rows) { return; }
      var kind = el.getAttribute("data-chart");
      var option = kind === "series" ? series(rows) : kind === "pie" ? pie(el, rows) : bars(el, rows);
      if (option) { window.echarts.init(el).setOption(option); }
    });
  });
})();
