/*
 * Octopus charts: render Vega-Lite specs under a strict CSP.
 *
 * Markup (spec emitted by Django's json_script):
 *   <div data-chart="map-spec"></div>
 *   {{ spec|json_script:"map-spec" }}
 *
 * Needs, loaded before this file: vega, vega-lite, vega-embed and
 * vega-interpreter (globals vega, vegaLite, vegaEmbed, vegaInterpreter),
 * plus charts.css. Expressions are evaluated by the interpreter (ast: true),
 * so no eval / new Function is used, and no <style> tags are injected.
 *
 * Each chart element gets data-chart-ready="true" once its view has run, or
 * class "text-danger" + data-chart-error="<message>" on failure. Charts in
 * content swapped in by htmx are rendered too (htmx:load).
 */
(function () {
  "use strict";

  function embedOptions() {
    var interpreter = window.vegaInterpreter && window.vegaInterpreter.expressionInterpreter;
    if (!interpreter) {
      throw new Error("vega-interpreter is not loaded");
    }
    return {
      renderer: "svg",
      actions: false,
      ast: true,
      expr: interpreter,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
      logLevel: 1, // vega.Warn
    };
  }

  function showError(el, error) {
    var message = (error && error.message) || String(error);
    el.replaceChildren();
    var p = document.createElement("p");
    p.textContent = "The chart could not be displayed: " + message;
    el.appendChild(p);
    el.classList.add("text-danger");
    el.setAttribute("data-chart-error", message);
    el.removeAttribute("data-chart-ready");
    if (window.console) {
      console.error("chart " + el.getAttribute("data-chart") + ":", error);
    }
  }

  function readSpec(id) {
    var source = document.getElementById(id);
    if (!source) {
      throw new Error('no <script type="application/json" id="' + id + '"> with the chart spec');
    }
    return JSON.parse(source.textContent);
  }

  function renderChart(el) {
    if (el.hasAttribute("data-chart-state")) {
      return Promise.resolve(null); // already rendering or rendered
    }
    el.setAttribute("data-chart-state", "pending");
    return Promise.resolve()
      .then(function () {
        if (typeof window.vegaEmbed !== "function") {
          throw new Error("vega-embed is not loaded");
        }
        return window.vegaEmbed(el, readSpec(el.getAttribute("data-chart")), embedOptions());
      })
      .then(function (result) {
        return result.view.runAsync().then(function () {
          el.octopusChart = result; // { view, spec, vgSpec, finalize }
          el.setAttribute("data-chart-state", "ready");
          el.setAttribute("data-chart-ready", "true");
          return result;
        });
      })
      .catch(function (error) {
        el.setAttribute("data-chart-state", "error");
        showError(el, error);
        return null;
      });
  }

  function renderAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var elements = Array.prototype.slice.call(scope.querySelectorAll("[data-chart]"));
    if (scope.matches && scope.matches("[data-chart]")) {
      elements.unshift(scope);
    }
    return Promise.all(elements.map(renderChart));
  }

  window.OctopusCharts = { renderAll: renderAll, renderChart: renderChart };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      renderAll(document);
    });
  } else {
    renderAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    renderAll(event.target);
  });
})();
