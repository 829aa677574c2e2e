/*
 * glonass-dispatch: the live map's context layers, clearing routes and marks, below the vehicles
 * (live_map.js starts them from the page's marker).
 *
 *   var context = liveContext(config, map, {routes: group, marks: group});
 *   context.attachPanel(panelElement);
 *
 * Polls GET /api/routes and GET /api/marks with the vendored Leaflet.Realtime, on their own
 * slower clock (they change by the hour), keeps each group in step with the answer, fits the
 * first view to the routes when asked to, and fills in the panel's counts and status. Needs live_map_util.js loaded before it. Colours
 * and labels come from maps/styles.py through `config`; names and texts from the database are
 * only ever set as text, never HTML.
 */
import * as P from './pages.js';
import {
  el, svgEl, fetchFeatures, own, lineParts, measure, lineSwatch, popupTable,
  closeTooltipUnderPopup
} from './live_map_util.js';
import {markDrawing} from './live_marks.js';

// Panes put the context under the vehicles (markerPane is 600) whatever order layers are
// added or switched on in: routes under everything else drawn, marks above routes.
var ROUTES_PANE = 'gdRoutes', ARROWS_PANE = 'gdRouteArrows', MARKS_PANE = 'gdMarks';
var PANE_Z = {gdRoutes: 350, gdRouteArrows: 360, gdMarks: 450};

function ensurePane(map, name) {
  var pane = map.getPane(name) || map.createPane(name);
  pane.style.zIndex = String(PANE_Z[name]);
  return pane;
}

function context(config, map, groups) {
  var crs = map.options.crs;
  var timeFmt = new Intl.DateTimeFormat('ru-RU', {
    timeZone: config.timeZone, day: '2-digit', month: '2-digit', year: 'numeric',
    hour: '2-digit', minute: '2-digit'
  });
  var clockFmt = new Intl.DateTimeFormat('ru-RU', {
    timeZone: config.timeZone, hour: '2-digit', minute: '2-digit'
  });
  var numberFmt = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 1});
  [ROUTES_PANE, ARROWS_PANE, MARKS_PANE].forEach(function (name) { ensurePane(map, name); });

  function formatTime(ms) { return timeFmt.format(new Date(ms)).replace(',', ''); }
  var marksDrawn = markDrawing(config, {pane: MARKS_PANE, crs: crs, formatTime: formatTime});

  // --- routes ---

  function treatmentOf(p) {
    if (own(config.treatments, p.treatment)) { return config.treatments[p.treatment]; }
    return {colour: config.fallbackTreatment.colour,
      label: p.treatment ? String(p.treatment) : config.fallbackTreatment.label};
  }

  function priorityOf(p) {
    var key = String(p.priority);
    if (own(config.priorities, key)) { return config.priorities[key]; }
    return {weight: config.fallbackPriority.weight,
      label: p.priority === null || p.priority === undefined ? config.fallbackPriority.label
        : String(p.priority)};
  }

  function district(p) {
    var nested = p.properties && typeof p.properties === 'object' ? p.properties : {};
    return nested.district || p.district || '';
  }

  function routeName(p) { return p.name || ('Маршрут № ' + p.id); }

  function routePopup(p) {
    var t = treatmentOf(p);
    var box = el('div', 'gd-popup gd-route-popup');
    var title = el('div', 'gd-popup-title');
    title.appendChild(lineSwatch(t.colour, 4, p.direction === 'as_drawn'));
    title.appendChild(el('span', null, routeName(p)));
    box.appendChild(title);
    var halfWidth = Number(p.half_width_m);
    var rows = [
      ['Вид работ', t.label],
      ['Приоритет', priorityOf(p).label],
      ['Проходов', p.passes_required === null || p.passes_required === undefined ? '—'
        : String(p.passes_required)],
      ['Направление', own(config.directions, p.direction) ? config.directions[p.direction]
        : (p.direction ? String(p.direction) : '—')],
      ['Коридор', isFinite(halfWidth) && halfWidth > 0
        ? '± ' + numberFmt.format(halfWidth) + ' м от оси' : '—'],
      ['Район', district(p) || '—']
    ];
    if (p.contractor) { rows.push(['Подрядчик', p.contractor]); }
    box.appendChild(popupTable(rows));
    return box;
  }

  function arrowIcon(colour, angle) {
    var root = el('div', 'gd-route-arrow');
    var svg = svgEl('svg', {viewBox: '0 0 18 18', width: 18, height: 18, 'aria-hidden': 'true'});
    svg.appendChild(svgEl('path', {d: 'M3 2.5 16 9 3 15.5 6.8 9Z', fill: colour,
      stroke: '#fff', 'stroke-width': 1.6, 'stroke-linejoin': 'round',
      transform: 'rotate(' + angle.toFixed(1) + ' 9 9)'}));
    root.appendChild(svg);
    return L.divIcon({className: 'gd-route-arrow-icon', html: root,
      iconSize: [18, 18], iconAnchor: [9, 9]});
  }

  /* One route: a white casing, the coloured line (dashed when one way) and, on top, a wide
     transparent line that takes the pointer, so even a thin third-priority line is easy to
     hover and click. One-way routes get a few arrows along the way they are drawn. */
  function routeLayer(feature) {
    var parts = lineParts(feature.geometry);
    if (!parts) { return null; }
    var p = feature.properties || {};
    var oneWay = p.direction === 'as_drawn';
    // dashes need some width to read as dashes
    var t = treatmentOf(p), w = Math.max(oneWay ? 3 : 1, Number(priorityOf(p).weight));
    var base = {pane: ROUTES_PANE, lineJoin: 'round', interactive: false};
    var casing = L.polyline(parts, L.extend({}, base, {
      color: '#fff', weight: w + 3, opacity: 0.9, className: 'gd-route-casing'}));
    var line = L.polyline(parts, L.extend({}, base, {
      color: t.colour, weight: w, opacity: 1, className: 'gd-route-line',
      lineCap: oneWay ? 'butt' : 'round',
      dashArray: oneWay ? (w * 2.4).toFixed(1) + ' ' + (w * 1.4).toFixed(1) : null}));
    var hit = L.polyline(parts, {pane: ROUTES_PANE, color: '#000', opacity: 0,
      weight: Math.max(16, w + 10), className: 'gd-route-hit'});
    var layer = L.featureGroup([casing, line, hit]);
    line.on('add', function () {
      line.getElement().setAttribute('data-route-id', String(p.id));
      line.getElement().setAttribute('data-treatment', String(p.treatment));
    });
    if (oneWay) {
      parts.forEach(function (part) {
        if (part.length < 2) { return; }
        var m = measure(crs, part);
        // Projected length over-counts by 1/cos(lat); one arrow per ~1.2 km on the ground.
        var metres = m.length * Math.cos(part[0].lat * Math.PI / 180);
        var n = Math.max(1, Math.min(6, Math.round(metres / 1200)));
        for (var i = 0; i < n; i += 1) {
          var at = m.at((i + 0.5) / n);
          layer.addLayer(L.marker(at.latlng, {icon: arrowIcon(t.colour, at.angle),
            pane: ARROWS_PANE, interactive: false, keyboard: false}));
        }
      });
    }
    hit.on('mouseover', function () {
      casing.setStyle({weight: w + 5});
      line.setStyle({weight: w + 2});
    });
    hit.on('mouseout', function () {
      casing.setStyle({weight: w + 3});
      line.setStyle({weight: w});
    });
    layer.bindPopup(function () { return routePopup(p); },
      {className: 'gd-leaflet-popup', minWidth: 220, maxWidth: 340});
    layer.bindTooltip(function () {
      return el('span', null, routeName(p) + ' · ' + t.label);
    }, {sticky: true, direction: 'top', offset: [0, -8], className: 'gd-tooltip'});
    closeTooltipUnderPopup(layer);
    layer._gdPriority = Number(p.priority) || 99;
    return layer;
  }

  // --- polling ---

  var panel = null;
  var fitted = !config.fitToRoutes;

  function featureKey(feature) {
    var p = feature.properties || {};
    var id = feature.id !== undefined && feature.id !== null ? feature.id : p.id;
    return id !== undefined && id !== null ? String(id) : JSON.stringify(feature.geometry);
  }

  /* One context layer kept in step with its API by Leaflet.Realtime (vendored): a feature
     whose JSON is unchanged keeps its layer (and any open popup), a changed one is redrawn
     by `build`, a missing one is removed. A feature `build` cannot draw becomes an empty
     group: one malformed feature must not cost the dispatcher the whole layer. */
  function Feed(title, url, group, build, afterSync) {
    var self = this;
    this.title = title;
    this.group = group;
    this.features = [];
    this.loaded = false;
    this.error = null;
    this.realtime = L.realtime(function (ok, fail) {
      fetchFeatures(url).then(ok, function (err) { fail(err, P.problem(err)); });
    }, {
      interval: config.refreshMs, container: group, removeMissing: true, logErrors: false,
      getFeatureId: featureKey,
      updateFeature: function (feature, oldLayer) {
        var key = JSON.stringify(feature);
        if (oldLayer && oldLayer._gdKey === key) { return oldLayer; }
        var layer = null;
        try {
          layer = build(feature);
        } catch (err) {
          if (window.console) { window.console.warn(title, featureKey(feature), err); }
        }
        layer = layer || L.featureGroup();
        layer._gdKey = key;
        return layer;
      }
    });
    this.realtime.on('update', function (e) {
      self.features = Object.keys(e.features).map(function (id) { return e.features[id]; });
      self.loaded = true;
      self.error = null;
      if (afterSync) { afterSync(self); }
      renderPanel();
    });
    this.realtime.on('error', function (e) {
      self.error = e.message;
      self.errorAt = Date.now();
      renderPanel();
    });
  }

  Feed.prototype.layers = function () { return this.group.getLayers(); };

  /* Higher priority on top: redraw order after each change and when switched back on. */
  function orderRoutes(feed) {
    var layers = feed.layers().filter(function (layer) { return layer._gdPriority; });
    layers.sort(function (a, b) { return b._gdPriority - a._gdPriority; });
    layers.forEach(function (layer) { layer.bringToFront(); });
  }

  /* Controls in the corners cover the map; keep the city clear of them when there is room. */
  function fitToRoutes(feed) {
    var bounds = L.latLngBounds([]);
    feed.layers().forEach(function (layer) {
      var b = layer.getBounds();
      if (b.isValid()) { bounds.extend(b); }
    });
    if (!bounds.isValid()) { return; }
    var container = map.getContainer(), size = map.getSize(), pad = 16;
    function cornerWidth(selector) {
      var corner = container.querySelector(selector);
      return corner ? corner.offsetWidth : 0;
    }
    var left = Math.max(cornerWidth('.leaflet-bottom.leaflet-left'),
      cornerWidth('.leaflet-top.leaflet-left'));
    var right = cornerWidth('.leaflet-top.leaflet-right');
    if (size.x - left - right < 360) { left = 0; right = 0; }
    map.fitBounds(bounds, {paddingTopLeft: [left + pad, pad],
      paddingBottomRight: [right + pad, pad], maxZoom: 16, animate: false});
  }

  var feeds = [];
  var routes = null, marks = null;
  if (config.routesUrl && groups.routes) {
    routes = new Feed('Маршруты уборки', config.routesUrl, groups.routes, routeLayer,
      function (feed) {
        orderRoutes(feed);
        if (!fitted) {
          fitted = true;  // only the first answer decides; later the dispatcher steers
          fitToRoutes(feed);
        }
      });
    groups.routes.on('add', function () { orderRoutes(routes); });
    feeds.push(routes);
  }
  if (config.marksUrl && groups.marks) {
    marks = new Feed('Отметки', config.marksUrl, groups.marks, marksDrawn.layer, null);
    feeds.push(marks);
  }

  function renderPanel() {
    if (!panel) { return; }
    if (routes) {
      var perTreatment = {};
      routes.features.forEach(function (f) {
        var t = (f.properties || {}).treatment;
        perTreatment[t] = (perTreatment[t] || 0) + 1;
      });
      panel.querySelectorAll('[data-treatment-count]').forEach(function (node) {
        var n = perTreatment[node.getAttribute('data-treatment-count')];
        node.textContent = routes.loaded && n ? String(n) : '—';
      });
    }
    if (marks) {
      var perLayer = {}, now = Date.now();
      marks.features.forEach(function (f) {
        var p = f.properties || {};
        if (marksDrawn.isActive(p, now)) { perLayer[p.layer] = (perLayer[p.layer] || 0) + 1; }
      });
      panel.querySelectorAll('[data-mark-count]').forEach(function (node) {
        var n = perLayer[node.getAttribute('data-mark-count')];
        node.textContent = marks.loaded && n ? String(n) : '—';
      });
    }
    var status = panel.querySelector('[data-context-status]');
    if (status) {
      var problems = feeds.filter(function (f) { return f.error; }).map(function (f) {
        return f.title + ': нет данных — ' + f.error + ', ' +
          clockFmt.format(new Date(f.errorAt)) + (f.loaded ? ', показаны прежние' : '');
      });
      status.hidden = problems.length === 0;
      status.textContent = problems.join('. ');
    }
  }

  function attachPanel(panelElement) {
    panel = panelElement;
    renderPanel();
  }


  /* A rule in the layer control between the vehicle kinds and the context layers. The
     control is created after this function runs, hence the deferred look-up. */
  setTimeout(function () {
    var first = routes ? config.routesLayerName : (marks ? config.marksLayerName : null);
    var labels = map.getContainer().querySelectorAll('.leaflet-control-layers-overlays label');
    Array.prototype.forEach.call(labels, function (label) {
      if (first && label.textContent.trim() === first) { label.classList.add('gd-layer-rule'); }
    });
  }, 0);

  return {attachPanel: attachPanel, routes: routes, marks: marks};
}

export {context as liveContext};
