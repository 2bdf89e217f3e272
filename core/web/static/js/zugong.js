/*
 * Zugong (组工): the behaviour of every page, in one file, so that no template carries
 * an inline script or on…= handler and the Content-Security-Policy can forbid them.
 *
 *   <form data-confirm="summary…" [data-confirm-reason="field"]>
 *                                               asks in a dialog before submitting (with a
 *                                               required reason sent as `field`)
 *   <button data-print>                         prints the page (print CSS: A4, no navigation)
 *   <button data-remove-after-request hx-get…>  removes itself after a successful htmx request
 *   <button data-add-row="rows-id" data-row-template="template-id" data-row-class="cls">
 *                                               appends a copy of the template, __i__ numbered
 *   <div data-chart="bars|pie" data-chart-data="json-script-id" [data-chart-key="k"]>
 *   <div data-chart="bars|pie" data-chart-labels="a,b" data-chart-values="1,2" [data-chart-name]>
 *                                               an ECharts chart from rows [{title, count}]
 *                                               (data in a non-executed application/json script)
 *   <div data-chart="series" data-chart-data="id" [data-chart-key] [data-chart-type="line"]>
 *                                               several series over shared labels, from
 *                                               {labels: [...], series: [{name, data}]}
 *   <textarea data-word-count="counter-id">     keeps the counter's text at the 字数 (characters
 *                                               without whitespace, as the server counts them)
 */
(function () {
  "use strict";

  // Irreversible actions: the form's data-confirm summary in the page's dialog
  // (#zg-confirm in layout.html); data-confirm-reason="name" asks for a reason, which
  // travels in the form as that field. Confirmed, the form is submitted as it was.
  var pending = null;  // the form (and its button) waiting on the dialog

  function confirmDialog(form, submitter) {
    var dialog = document.getElementById("zg-confirm");
    if (!dialog || !window.bootstrap) {
      return window.confirm(form.getAttribute("data-confirm"));
    }
    var reasonName = form.getAttribute("data-confirm-reason");
    var reason = dialog.querySelector("#zg-confirm-reason");
    dialog.querySelector("[data-confirm-text]").textContent = form.getAttribute("data-confirm");
    dialog.querySelector("[data-confirm-reason-box]").hidden = !reasonName;
    reason.value = "";
    reason.classList.remove("is-invalid");
    pending = { form: form, submitter: submitter, reasonName: reasonName };
    window.bootstrap.Modal.getOrCreateInstance(dialog).show();
    return false;
  }

  function confirmed() {
    var dialog = document.getElementById("zg-confirm");
    var reason = dialog.querySelector("#zg-confirm-reason");
    if (!pending) { return; }
    var form = pending.form;
    if (pending.reasonName) {
      if (!reason.value.trim()) { reason.classList.add("is-invalid"); reason.focus(); return; }
      var field = form.querySelector("input[type=hidden][name='" + pending.reasonName + "']");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = pending.reasonName;
        form.appendChild(field);
      }
      field.value = reason.value.trim();
    }
    var submitter = pending.submitter;
    pending = null;
    window.bootstrap.Modal.getOrCreateInstance(dialog).hide();
    form.setAttribute("data-confirmed", "1");
    if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-confirm-ok]")) { confirmed(); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question) { return; }
    if (form.getAttribute("data-confirmed") === "1") {
      form.removeAttribute("data-confirmed");
      return;
    }
    if (!confirmDialog(form, event.submitter)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

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

  function series(el, spec) {
    if (!spec.series || !spec.series.length || !spec.labels.length) { return null; }
    var type = el.getAttribute("data-chart-type") || "bar";
    var rotate = Number(el.getAttribute("data-chart-rotate") || 0);
    return {
      animation: false, color: PALETTE, tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 50, right: 10, top: 10, bottom: rotate ? 80 : 50 },
      xAxis: { type: "category", axisLabel: { rotate: rotate }, data: spec.labels },
      yAxis: { type: "value" },
      series: spec.series.map(function (s) { return { type: type, name: s.name, data: s.data || s.values }; })
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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-word-count]").forEach(countWords);
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var rows = chartRows(el);
      if (!rows) { return; }
      var kind = el.getAttribute("data-chart");
      var option = kind === "series" ? series(el, rows)
        : kind === "pie" ? pie(el, rows) : bars(el, rows);
      if (option) { window.echarts.init(el).setOption(option); }
    });
  });
})();
