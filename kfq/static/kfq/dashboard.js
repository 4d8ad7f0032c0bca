// The dashboard's charts, drawn from the figures the page already shows (json_script
// "dashboard-data"); clicking a bar or a funnel step opens the list behind it.
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var charts = [];
  function percent(v) { return v === null ? "—" : +(v * 100).toFixed(4) + "%"; }
  function bars(node, rows, rateIndex) {
    var rate = data.rates[rateIndex];
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      title: { text: rate.label, left: "center", textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 40, top: 36, bottom: 56 },
      tooltip: { trigger: "axis", valueFormatter: percent },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
               axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } },
      series: [{
        type: "bar",
        data: rows.map(function (r) {
          var v = r.values[rateIndex];
          return { value: v, itemStyle: { color: v !== null && v < rate.target ? "#b02a37" : "#0a58ca" } };
        }),
        markLine: { symbol: "none", label: { formatter: percent(rate.target) },
                    lineStyle: { type: "dashed", color: "#333" }, data: [{ yAxis: rate.target }] }
      }]
    });
    chart.on("click", function (event) { window.location.href = rows[event.dataIndex].urls[rateIndex]; });
    charts.push(chart);
  }
  document.querySelectorAll("[data-chart=zones]").forEach(function (node) {
    bars(node, data.zones, +node.dataset.index);
  });
  document.querySelectorAll("[data-chart=rounds]").forEach(function (node) {
    bars(node, data.rounds, +node.dataset.index);
  });
  document.querySelectorAll("[data-chart=funnel]").forEach(function (node) {
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", data: data.funnel,
                 label: { formatter: "{b} {c}" } }]
    });
    chart.on("click", function (event) { window.location.href = data.funnel[event.dataIndex].url; });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
