/*
 * glonass-dispatch: the coverage map (maps/pages/coverage_map.py renders the page).
 *
 *   (starts itself on its side panel, .gd-coverage, with the settings of its data-config)
 *
 * Asks GET /api/coverage?from=&to= for the chosen window and draws every stretch of every
 * route, coloured by state or by time since its last service at the end of the window.
 * The answer is a FeatureCollection of stretches (properties: route_id, route_name, state,
 * reason, passes {as_drawn, against}, passes_required, directions_required, last_service,
 * vehicles [{id, name}], length_m, ...) plus totals and per-route summaries; fields the page
 * does not find are shown as "—" rather than breaking the map.
 */
import * as P from './pages.js';
import * as F from './formats.js';
import {el} from './dom.js';
import {popup as evidencePopup} from './coverage_evidence.js';
import './neutral_basemap.js';

var PANE = 'gdCoverage', ARROW_PANE = 'gdCoverageArrows';

function start(config, map, panel) {
  var T = F.time(config.timeZone);
  var q = function (sel) { return panel.querySelector(sel); };
  var period = P.timeWindow(panel, T, function () {  // a preset is the period, not a storm
    q('[data-storm]').value = '';
    load();
  });
  [[PANE, 420], [ARROW_PANE, 430]].forEach(function (p) {
    (map.getPane(p[0]) || map.createPane(p[0])).style.zIndex = String(p[1]);
  });
  var group = L.featureGroup().addTo(map);
  var state = {doc: null, url: null, mode: 'state', fitted: false, request: 0, byRoute: {},
    selectedRoute: null};
  var statusNode = q('[data-status]');
  P.scale(map, 'bottomleft');

  /* ------------------------------------------------------------------- classes */

  function props(f) { return f.properties || {}; }

  function ageHours(p) {
    var last = T.ms(p.last_service), end = T.ms(state.doc && state.doc.to) || Date.now();
    return last === null ? null : Math.max(0, (end - last) / 3600000);
  }

  function band(p) {
    var h = ageHours(p);
    if (h === null) { return {key: 'never', colour: config.never.colour, label: config.never.label}; }
    for (var i = 0; i < config.bands.length; i += 1) {
      var b = config.bands[i];
      if (b.hours === null || h < b.hours) {
        return {key: 'band' + i, colour: b.colour, label: b.label};
      }
    }
    return {key: 'never', colour: config.never.colour, label: config.never.label};
  }

  function stateOf(p) {
    return P.own(config.states, p.state) ? config.states[p.state] : config.states.unknown;
  }

  function look(p) {
    var s = stateOf(p);
    if (state.mode === 'age') {
      var b = band(p);
      return {colour: b.colour, dash: b.key === 'never' ? '2 6' : null, weight: 5, key: b.key};
    }
    return {colour: s.colour, dash: s.dash, weight: s.weight, key: p.state};
  }

  /* ------------------------------------------------------------------ hover text */

  function passesText(p) {
    var passes = p.passes || {}, need = p.passes_required, dirs = p.directions_required || [];
    var needText = need === null || need === undefined ? '' : ' из ' + need;
    var fwd = Number(passes.as_drawn) || 0, back = Number(passes.against) || 0;
    var text = dirs.length === 1 ? 'по стрелке ' + fwd + needText
      : 'прямо ' + fwd + needText + ', обратно ' + back + needText;
    var un = p.unconfirmed_passes || {};
    var unconfirmed = (Number(un.as_drawn) || 0) + (Number(un.against) || 0);
    if (unconfirmed) { text += ' (+' + unconfirmed + ' без датчика)'; }
    return text;
  }

  function tooltip(p) {
    var box = el('div', 'gd-popup gd-coverage-tip');
    var title = el('div', 'gd-popup-title');
    var sw = el('span', 'gd-swatch-line');
    sw.style.setProperty('--gd-colour', look(p).colour);
    title.appendChild(sw);
    title.appendChild(el('span', null, p.route_name || ('Маршрут № ' + p.route_id)));
    box.appendChild(title);
    var s = stateOf(p), h = ageHours(p);
    var rows = [['Состояние', s.label + (p.state === 'unknown' && P.own(config.reasons, p.reason)
      ? ': ' + config.reasons[p.reason] : '')],
      ['Проходы', passesText(p)],
      ['Последняя уборка', p.last_service ? T.format(p.last_service) + ' (' +
        F.duration(h * 3600) + ' назад)' : 'в этом окне не было'],
      ['Техника', (p.vehicles || []).map(function (v) {
        return v.name || ('№ ' + v.id);
      }).join(', ') || '—'],
      ['Участок', (p.m_from !== undefined ? Math.round(p.m_from) + '–' + Math.round(p.m_to) +
        ' м от начала, ' : '') + Math.round(Number(p.length_m) || 0) + ' м']];
    var dirs = p.directions_required || [];
    if (dirs.length === 1) { rows.splice(2, 0, ['Направление', config.directions.as_drawn]); }
    var table = el('table', 'gd-popup-table');
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('th', null, r[0]));
      tr.appendChild(el('td', null, r[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  /* ------------------------------------------------------------------------ draw */

  function latlngsOf(f) {
    var g = f.geometry || {};
    if (g.type === 'LineString') { return [g.coordinates.map(function (c) { return [c[1], c[0]]; })]; }
    if (g.type === 'MultiLineString') {
      return g.coordinates.map(function (part) {
        return part.map(function (c) { return [c[1], c[0]]; });
      });
    }
    return [];
  }

  function draw() {
    group.clearLayers();
    state.byRoute = {};
    var features = (state.doc && state.doc.features) || [];
    features.forEach(function (f) {
      var p = props(f), lk = look(p);
      latlngsOf(f).forEach(function (latlngs) {
        if (latlngs.length < 2) { return; }
        var casing = L.polyline(latlngs, {pane: PANE, color: '#fff', weight: lk.weight + 3,
          opacity: 0.9, interactive: false, lineCap: 'round', lineJoin: 'round'});
        var line = L.polyline(latlngs, {pane: PANE, color: lk.colour, weight: lk.weight,
          opacity: 1, dashArray: lk.dash, interactive: false, lineCap: lk.dash ? 'butt' : 'round',
          lineJoin: 'round', className: 'gd-stretch'});
        var hit = L.polyline(latlngs, {pane: PANE, color: '#000', opacity: 0, weight: 16,
          className: 'gd-stretch-hit'});
        line.on('add', function () {
          var node = line.getElement();
          node.setAttribute('data-route-id', String(p.route_id));
          node.setAttribute('data-state', String(p.state));
          node.setAttribute('data-class', String(lk.key));
        });
        hit.bindTooltip(function () { return tooltip(p); },
          {sticky: true, direction: 'top', offset: [0, -10], className: 'gd-tooltip'});
        hit.on('mouseover', function () { line.setStyle({weight: lk.weight + 3}); });
        hit.on('mouseout', function () { line.setStyle({weight: lk.weight}); });
        hit.bindPopup(function () { return evidencePopup(p, T); },
          {maxWidth: 420});
        hit.on('click', function () { selectRoute(p.route_id, false); });
        [casing, line, hit].forEach(function (l) { group.addLayer(l); });
        var key = String(p.route_id);
        (state.byRoute[key] = state.byRoute[key] || []).push(line);
        var dirs = p.directions_required || [];
        if (dirs.length === 1 && (Number(p.length_m) || 0) >= 120) {
          P.arrows(map, latlngs.map(function (ll) { return L.latLng(ll); }), lk.colour,
            {pane: ARROW_PANE, every: 450, max: 4}).forEach(function (a) { group.addLayer(a); });
        }
      });
    });
    if (!state.fitted && group.getLayers().length) {
      state.fitted = true;
      map.fitBounds(group.getBounds(), {padding: [24, 24], maxZoom: 16});
    }
    legend();
    routeList();
  }

  /* ---------------------------------------------------------------- legend, list */

  function legend() {
    var table = q('[data-legend]');
    table.textContent = '';
    var sums = {}, features = (state.doc && state.doc.features) || [];
    features.forEach(function (f) {
      var key = look(props(f)).key;
      sums[key] = (sums[key] || 0) + (Number(props(f).length_m) || 0);
    });
    var rows = state.mode === 'age'
      ? config.bands.map(function (b, i) { return {key: 'band' + i, colour: b.colour, dash: null,
        label: b.label + ' назад'}; }).concat([{key: 'never', colour: config.never.colour,
        dash: '2 6', label: config.never.label}])
      : config.stateOrder.map(function (s) {
        var st = config.states[s];
        return {key: s, colour: st.colour, dash: st.dash, label: st.label};
      });
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.setAttribute('data-legend-row', r.key);
      var td = el('td');
      var svg = P.svgEl('svg', {width: 30, height: 10, viewBox: '0 0 30 10', 'aria-hidden': 'true'});
      svg.appendChild(P.svgEl('path', {d: 'M2 5H28', stroke: '#fff', 'stroke-width': 8,
        'stroke-linecap': 'round'}));
      svg.appendChild(P.svgEl('path', {d: 'M2 5H28', stroke: r.colour, 'stroke-width': 5,
        'stroke-dasharray': r.dash, 'stroke-linecap': r.dash ? 'butt' : 'round'}));
      td.appendChild(svg);
      tr.appendChild(td);
      tr.appendChild(el('td', null, r.label));
      tr.appendChild(el('td', 'gd-count', state.doc ? F.km(sums[r.key] || 0) : '—'));
      table.appendChild(tr);
    });
    var totals = (state.doc && state.doc.totals) || null, total = q('[data-total]');
    if (totals && totals.length_m) {
      total.textContent = 'Убрано ' + F.numberFmt.format(Number(totals.served_pct) || 0) +
        ' % протяжённости: ' + F.km(totals.served) + ' из ' + F.km(totals.length_m);
    } else {
      total.textContent = state.doc ? 'В этом окне нет маршрутов.' : '';
    }
    var tip = state.mode === 'age' ? 'Давность — на конец периода, ' +
      T.format(state.doc && state.doc.to) : '';
    total.title = tip;
  }

  function routeList() {
    var list = q('[data-routes]');
    list.textContent = '';
    var routes = ((state.doc && state.doc.routes) || []).slice().sort(function (a, b) {
      return (Number(a.served_pct) || 0) - (Number(b.served_pct) || 0) ||
        String(a.route && a.route.name).localeCompare(String(b.route && b.route.name), 'ru');
    });
    q('[data-route-count]').textContent = state.doc ? '(' + routes.length + ')' : '';
    routes.forEach(function (r) {
      var route = r.route || {}, pct = Number(r.served_pct) || 0;
      var li = el('li');
      li.setAttribute('data-route-item', String(route.id));
      li.setAttribute('aria-selected', String(String(route.id) === state.selectedRoute));
      li.appendChild(el('span', 'gd-list-main', route.name || ('№ ' + route.id)));
      var bar = el('span', 'gd-bar');
      var fill = el('span', 'gd-bar-fill');
      fill.style.width = Math.max(0, Math.min(100, pct)) + '%';
      fill.style.background = pct >= 95 ? config.states.served.colour
        : (pct > 0 ? config.states.partial.colour : config.states.not_served.colour);
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(el('span', 'gd-list-aside', Math.round(pct) + ' %'));
      li.title = (config.treatments[route.treatment] || route.treatment || '') +
        (r.cleared_at ? ', убран к ' + T.format(r.cleared_at) : '');
      li.addEventListener('click', function () { selectRoute(route.id, true); });
      list.appendChild(li);
    });
  }

  function selectRoute(id, zoom) {
    state.selectedRoute = String(id);
    var lines = state.byRoute[String(id)] || [];
    Object.keys(state.byRoute).forEach(function (k) {
      state.byRoute[k].forEach(function (l) {
        var node = l.getElement();
        if (node) { node.classList.toggle('gd-stretch-selected', k === String(id)); }
      });
    });
    if (zoom && lines.length) {
      var b = L.latLngBounds([]);
      lines.forEach(function (l) { b.extend(l.getBounds()); });
      map.fitBounds(b, {padding: [40, 40], maxZoom: 16});
    }
    panel.querySelectorAll('[data-route-item]').forEach(function (li) {
      li.setAttribute('aria-selected', String(li.getAttribute('data-route-item') === String(id)));
    });
  }

  /* -------------------------------------------------------------------- loading */

  function load() {
    var w = period.get();
    if (w.from === null || w.to === null) {
      P.say(statusNode, 'error', 'Укажите начало и конец периода.');
      return;
    }
    if (w.from >= w.to) {
      P.say(statusNode, 'error', 'Начало периода должно быть раньше конца.');
      return;
    }
    var id = state.request += 1;
    P.say(statusNode, 'busy', 'Расчёт покрытия за период ' + T.format(w.from) + ' — ' +
      T.format(w.to) + '…');
    var url = config.coverageUrl + (config.coverageUrl.indexOf('?') >= 0 ? '&' : '?') +
      'from=' + encodeURIComponent(T.iso(w.from)) + '&to=' + encodeURIComponent(T.iso(w.to));
    P.getJSON(url).then(function (doc) {
      if (id !== state.request) { return; }
      state.doc = doc || {features: []};
      state.url = url;
      draw();
      P.say(statusNode, 'ok', '');
      statusNode.hidden = true;
      q('[data-computed]').textContent = 'рассчитано ' + T.clock(doc.computed_at || Date.now());
      panel.querySelectorAll('[data-download]').forEach(function (b) { b.disabled = false; });
      remember(w);
    }, function (err) {
      if (id !== state.request) { return; }
      P.say(statusNode, 'error', 'Покрытие не рассчитано: ' + (err.message || err) +
        (state.doc ? '. Показан прежний результат.' : ''));
    });
  }

  function remember(w) {
    if (!window.history || !window.history.replaceState) { return; }
    var params = new URLSearchParams({from: T.iso(w.from), to: T.iso(w.to), mode: state.mode});
    window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
  }

  q('[data-apply]').addEventListener('click', load);

  function setMode(mode) {
    state.mode = mode;
    panel.querySelectorAll('[data-mode-value]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-mode-value') === mode));
    });
    draw();
    var w = period.get();
    if (state.doc && w.from !== null && w.to !== null) { remember(w); }
  }
  panel.querySelectorAll('[data-mode-value]').forEach(function (b) {
    b.addEventListener('click', function () { setMode(b.getAttribute('data-mode-value')); });
  });

  /* ------------------------------------------------------------------ downloads */

  function stamp() {
    var w = period.get();
    return T.toInput(w.from).replace(/[-:]/g, '') + '-' + T.toInput(w.to).replace(/[-:]/g, '');
  }

  /* The CSV comes from the server (/api/coverage?format=csv): Russian headers and states,
     local times, ';' and a BOM, the same file the CLI writes. */
  function downloadCsv() {
    var a = P.el('a');
    a.href = state.url + '&format=csv';
    a.download = '';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  panel.querySelectorAll('[data-download]').forEach(function (b) {
    b.addEventListener('click', function () {
      if (!state.doc) { return; }
      if (b.getAttribute('data-download') === 'csv') {
        downloadCsv();
      } else {
        P.download('coverage-' + stamp() + '.geojson', JSON.stringify(state.doc),
          'application/geo+json');
      }
    });
  });

  /* --------------------------------------------------------------------- storms */

  function loadStorms() {
    if (!config.stormsUrl) { return; }
    P.getJSON(config.stormsUrl).then(function (data) {
      var storms = Array.isArray(data) ? data : (data && (data.storms || data.features)) || [];
      if (!storms.length) { return; }
      var select = q('[data-storm]');
      storms.forEach(function (s) {
        var p = s.properties || s, o = el('option', null, (p.name || ('№ ' + p.id)) + ', с ' +
          T.format(p.started_at));
        o.value = String(p.id);
        o._gdFrom = T.ms(p.started_at);
        o._gdTo = T.ms(p.closed_at) || Date.now();
        select.appendChild(o);
      });
      q('[data-storm-field]').hidden = false;
      select.addEventListener('change', function () {
        var o = select.options[select.selectedIndex], act = q('[data-storm-act]');
        act.hidden = !(o && o._gdFrom);
        if (!o || !o._gdFrom) { return; }
        act.href = '/storms/' + encodeURIComponent(o.value);
        period.set(o._gdFrom, o._gdTo);
        load();
      });
    }, function () { /* no storms API: the selector stays hidden */ });
  }

  /* ------------------------------------------------------------------------ go */

  var params = P.params();
  if (params.mode === 'age' || params.mode === 'state') { state.mode = params.mode; }
  panel.querySelectorAll('[data-mode-value]').forEach(function (b) {
    b.setAttribute('aria-pressed', String(b.getAttribute('data-mode-value') === state.mode));
  });
  period.open(T.ms(params.from), T.ms(params.to), config.defaultHours);
  legend();
  loadStorms();
  load();
  return {reload: load, setMode: setMode, group: group, state: state};
}

P.startMapPanel('.gd-coverage', start);
