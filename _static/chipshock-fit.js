// Phone layout for composite charts (facets, concatenations: they cannot take width "container").
// chipshock.charts' renderer passes every spec through window.chipshockFit before vega-embed draws
// it: when the chart's box is narrower than the chart, panels side by side are stacked, facets get
// one column, each view is narrowed to the box and long axis labels are cut (with an ellipsis), so
// labels keep their designed size instead of the whole drawing being scaled down to a few pixels.
(function () {
  const ROOM = 80; // px beside a view's plot for its y axis (labels, title)
  const LABEL_SHARE = 0.38; // the most of the box a y axis's labels may take
  const MIN_VIEW = 0.35; // a view is never narrowed below this share of the box
  const ACTIONS = 40; // px vega-embed keeps right of the chart for its "..." menu

  const labelRoom = (width, box) => Math.round(Math.max(0.25 * box, LABEL_SHARE * width));

  // Fits `view` (and the views inside it) into `width` px; returns the room its y-axis labels need.
  function fitView(view, width, box) {
    if (!view || typeof view !== "object") return 0;
    if (Array.isArray(view.hconcat)) { view.vconcat = view.hconcat; delete view.hconcat; }
    if (Array.isArray(view.concat)) view.columns = 1;
    if (view.facet && view.columns) view.columns = 1;
    let labels = 0;
    for (const key of ["vconcat", "concat"]) {
      if (Array.isArray(view[key])) view[key].forEach((v) => fitView(v, width, box));
    }
    if (Array.isArray(view.layer)) labels = Math.max(0, ...view.layer.map((v) => fitView(v, width, box)));
    if (view.spec) labels = Math.max(labels, fitView(view.spec, width, box));
    if (view.mark && (view.mark === "text" || view.mark.type === "text") && typeof view.mark === "object") {
      view.mark.lineBreak = "; "; // a long readout ("p = ..., N = ...; rank ...") on two lines
    }
    const y = view.encoding && view.encoding.y;
    if (y && y.axis && typeof y.axis === "object" && y.axis.labelLimit) {
      y.axis.labelLimit = Math.min(y.axis.labelLimit, labelRoom(width, box));
      labels = Math.max(labels, y.axis.labelLimit + 20);
    }
    const room = Math.max(ROOM, labels);
    if (typeof view.width === "number" && view.width > width - room) {
      view.width = Math.max(Math.round(MIN_VIEW * box), width - room);
    }
    return labels;
  }

  function fitted(spec, width, box) {
    const out = Object.assign({}, spec); // the datasets are shared, not copied
    for (const key of ["hconcat", "vconcat", "concat", "layer", "spec", "facet", "encoding", "columns", "width"]) {
      if (key in out) out[key] = JSON.parse(JSON.stringify(spec[key]));
    }
    fitView(out, width, box);
    out.config = Object.assign({}, spec.config || {});
    out.config.legend = Object.assign({}, out.config.legend || {},
      {columns: 2, labelLimit: Math.round(Math.max(0.25 * box, 0.4 * width)), titleLimit: Math.round(0.9 * box)});
    out.config.axisY = Object.assign({}, out.config.axisY || {}, {labelLimit: labelRoom(width, box)});
    return out;
  }

  // After vega-embed has drawn the fitted spec, a drawing still wider than its box (axis titles,
  // legends, facet headers take room the first guess did not count) is drawn again with its views
  // narrowed by the excess, at most `tries` times; what still does not fit is scaled down by the
  // stylesheet. `last` is the width of the drawing already measured (wait for a new one).
  function refit(spec, el, box, opt, target, tries, last) {
    const room = box.clientWidth - ACTIONS;
    let waited = 0;
    const tick = () => {
      const svg = el.querySelector("svg");
      const drawn = svg ? parseFloat(svg.getAttribute("width")) : NaN;
      if (!svg || drawn === last) {
        if ((waited += 100) < 10000) setTimeout(tick, 100);
        return;
      }
      const excess = drawn - svg.getBoundingClientRect().width; // what the stylesheet scales away
      if (!(excess > 1) || tries <= 0 || !window.vegaEmbed) return;
      const next = target - excess - 4;
      window.vegaEmbed(el, fitted(spec, next, room), opt)
        .then(() => refit(spec, el, box, opt, next, tries - 1, drawn), () => null);
    };
    setTimeout(tick, 100);
  }

  // vega-embed's options for a chart drawn again (chipshock.charts.EMBED_OPTIONS)
  const OPTIONS = {actions: {export: true, source: true, compiled: false, editor: false}, mode: "vega-lite"};

  window.chipshockFit = function (spec, el, opt = OPTIONS) {
    const box = el && el.closest ? el.closest(".chipshock-chart-scaled") : null;
    const width = box ? box.clientWidth - ACTIONS : 0;
    if (!box || width <= 0 || width >= 640) return spec;
    refit(spec, el, box, opt, width, 4, undefined);
    return fitted(spec, width, width);
  };
})();
