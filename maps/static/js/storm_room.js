/*
 * glonass-dispatch: the storm screen (maps/pages/storm_room.py renders the page).
 *
 * Starts itself on the side panel (.gd-storm-room) with the settings of its data-config.
 *
 * Finds the storm (?id=N, else the newest one whose report window is open), then every
 * config.refreshS seconds asks GET /api/storms/{id}/clock and redraws: each stretch on the map
 * coloured by its clock state, a legend with counts, and the table of stretches sorted by time
 * left (the server's order) with the expected clearing time and the crew. The data
 * completeness table comes from GET /api/storms/{id}/completeness, the bus lines on uncleared
 * streets and the buses on them now from GET /api/storms/{id}/transit (a layer of their own,
 * drawn by transit_layer.js),
 * the plan check from GET /api/storms/{id}/plan (asked once: the plan changes seldom).
 */
import * as P from './pages.js';
import * as F from './formats.js';
import {el} from './dom.js';
import * as TL from './transit_layer.js';
import './neutral_basemap.js';


function start(config, map, panel) {
  var T = F.time(config.timeZone);
  var q = function (sel) { return panel.querySelector(sel); };
  var group = L.featureGroup().addTo(map);
  var transit = L.featureGroup().addTo(map);
  var statusNode = q('[data-status]');
  var fitted = false;
  P.scale(map, 'bottomleft');

  function styleOf(state) {
    return P.own(config.states, state) ? config.states[state] : config.states.waiting;
  }

  function left(p) {
    if (p.time_left_s === null || p.time_left_s === undefined) { return '—'; }
    if (p.cleared_at) {
      return p.time_left_s >= 0 ? 'запас ' + F.duration(p.time_left_s)
        : 'опоздание ' + F.duration(-p.time_left_s);
    }
    return p.time_left_s >= 0 ? F.duration(p.time_left_s)
      : 'просрочено на ' + F.duration(-p.time_left_s);
  }

  function expected(p) {
    if (p.cleared_at) { return 'убрано ' + T.format(p.cleared_at); }
    if (p.expected_at) { return T.format(p.expected_at); }
    return p.crew && p.crew.length ? '—' : 'никто не убирает';
  }

  function crewText(p) {
    return (p.crew || []).map(function (v) { return v.name || ('№ ' + v.id); }).join(', ') || '—';
  }

  /* The table names the crew that finishes the stretch, and how many more work the route. */
  function crewShort(p) {
    var crew = p.crew || [], lead = p.finishing_vehicle || crew[0];
    if (!lead) { return '—'; }
    return (lead.name || ('№ ' + lead.id)) + (crew.length > 1 ? ' +' + (crew.length - 1) : '');
  }

  function where(p) {
    return (p.route || ('Маршрут № ' + p.route_id)) + ', ' + Math.round(p.m_from) + '–' +
      Math.round(p.m_to) + ' м';
  }

  function tooltip(p) {
    var s = styleOf(p.state);
    return '<b>' + escapeHtml(where(p)) + '</b><br>' + escapeHtml(s.label) +
      '<br>Норматив: ' + F.numberFmt.format(p.norm_h) + ' ч, срок ' + escapeHtml(T.format(p.deadline)) +
      '<br>Осталось: ' + escapeHtml(left(p)) + '<br>Ожидается: ' + escapeHtml(expected(p)) +
      '<br>Техника: ' + escapeHtml(crewText(p));
  }

  function escapeHtml(text) {
    var d = document.createElement('div');
    d.textContent = String(text);
    return d.innerHTML;
  }

  function drawMap(doc) {
    group.clearLayers();
    doc.features.slice().reverse().forEach(function (f) {
      var p = f.properties, s = styleOf(p.state);
      var line = L.polyline(f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; }), {
        color: s.colour, weight: p.state === 'breached' || p.state === 'at_risk' ? 6 : 4,
        dashArray: s.dash, opacity: 0.9, className: 'gd-clock-' + p.state
      });
      line.bindTooltip(tooltip(p), {sticky: true, className: 'gd-tooltip'});
      group.addLayer(line);
    });
    if (!fitted && group.getLayers().length) {
      map.fitBounds(group.getBounds(), {padding: [20, 20], animate: false});
      fitted = true;
    }
  }

  function drawLegend(doc) {
    var table = q('[data-legend]');
    table.textContent = '';
    config.stateOrder.forEach(function (state) {
      var s = config.states[state], tr = el('tr');
      var sw = el('td'), swatch = el('span', 'gd-swatch-line');
      swatch.style.setProperty('--gd-colour', s.colour);
      sw.appendChild(swatch);
      tr.appendChild(sw);
      tr.appendChild(el('td', null, s.label));
      tr.appendChild(el('td', 'gd-count', String((doc.counts || {})[state] || 0) + ' уч., ' +
        F.km((doc.metres || {})[state])));
      tr.dataset.state = state;
      table.appendChild(tr);
    });
  }

  function drawTable(doc) {
    var body = q('[data-clock] tbody');
    body.textContent = '';
    doc.features.forEach(function (f) {
      var p = f.properties, tr = el('tr', 'gd-clock-row gd-clock-' + p.state);
      tr.dataset.state = p.state;
      tr.appendChild(el('td', null, where(p)));
      tr.appendChild(el('td', null, styleOf(p.state).label));
      tr.appendChild(el('td', 'gd-num', left(p)));
      tr.appendChild(el('td', null, expected(p)));
      tr.appendChild(el('td', null, crewShort(p)));
      tr.addEventListener('click', function () {
        map.fitBounds(L.latLngBounds(f.geometry.coordinates.map(function (c) {
          return [c[1], c[0]];
        })), {maxZoom: 16});
      });
      body.appendChild(tr);
    });
  }

  function drawCompleteness(doc) {
    var body = q('[data-completeness] tbody');
    body.textContent = '';
    (doc.vehicles || []).forEach(function (v) {
      var tr = el('tr', v.suspect ? 'gd-suspect' : null);
      tr.appendChild(el('td', null, v.name || ('№ ' + v.vehicle_id)));
      tr.appendChild(el('td', 'gd-num', v.covered_pct === null ? '—' : v.covered_pct + ' %'));
      tr.appendChild(el('td', 'gd-num', v.gaps + (v.longest_gap_s ? ' (до ' +
        F.duration(v.longest_gap_s) + ')' : '')));
      tr.appendChild(el('td', 'gd-num', v.invalid + ' / ' + v.future));
      tr.appendChild(el('td', null, v.sensor_label));
      body.appendChild(tr);
    });
  }

  function drawTransit(doc) {
    TL.draw(transit, doc, config);
    var list = q('[data-transit-lines]');
    list.textContent = '';
    doc.features.forEach(function (f) {
      var p = f.properties;
      if (!(p.uncleared_m > 0)) { return; }
      var li = el('li', null, '№ ' + p.number + ' ' + p.name + ': ' + F.km(p.uncleared_m) +
        ' неубранных (' + p.stretches.map(function (s) { return s.route; })
        .filter(function (name, i, all) { return all.indexOf(name) === i; }).join(', ') + ')');
      li.dataset.line = p.number;
      list.appendChild(li);
    });
    if (!list.children.length) {
      list.appendChild(el('li', 'gd-hint', 'Автобусные маршруты идут по убранным улицам.'));
    }
    q('[data-transit-buses]').textContent = doc.buses.length
      ? 'Сейчас на неубранных участках: ' + doc.buses.map(function (b) {
        return b.name + (b.line ? ' (№ ' + b.line + ')' : '');
      }).join(', ') : 'Сейчас автобусов на неубранных участках нет.';
  }

  q('[data-transit-layer]').addEventListener('change', function (e) {
    if (e.target.checked) { transit.addTo(map); } else { transit.remove(); }
  });

  function drawPlan(doc) {
    var issues = q('[data-plan-issues]');
    issues.textContent = '';
    doc.overlaps.forEach(function (o) {
      issues.appendChild(el('li', 'gd-plan-overlap', 'В двух маршрутах (' +
        (config.treatments[o.treatment] || o.treatment) + '): ' + o.routes.map(function (r) {
          return r.name + ' (' + (r.contractor || '—') + ')';
        }).join(' и ') + ', ' + Math.round(o.length_m) + ' м'));
    });
    doc.unclaimed.forEach(function (u) {
      issues.appendChild(el('li', 'gd-plan-unclaimed', 'Без маршрута: ' +
        (u.name || 'улица без названия') + ', ' + Math.round(u.length_m) + ' м'));
    });
    q('[data-plan-summary]').textContent = 'Улиц в двух маршрутах и более: ' +
      doc.overlaps.length + '; улиц сети без маршрута: ' + doc.unclaimed.length + '.';
    var body = q('[data-plan-loads] tbody');
    body.textContent = '';
    doc.contractors.forEach(function (x) {
      var tr = el('tr', x.enough ? null : 'gd-suspect');
      tr.appendChild(el('td', null, x.contractor + ', ' +
        (config.treatments[x.treatment] || x.treatment)));
      tr.appendChild(el('td', 'gd-num', F.km(x.work_km * 1000)));
      tr.appendChild(el('td', 'gd-num', String(x.vehicles)));
      tr.appendChild(el('td', 'gd-num', x.hours_needed === null ? 'нет машин'
        : F.numberFmt.format(x.hours_needed) + ' ч'));
      tr.appendChild(el('td', 'gd-num', F.numberFmt.format(x.norm_h) + ' ч'));
      body.appendChild(tr);
    });
  }

  function showStorm(storm) {
    q('[data-storm-name]').textContent = storm.name;
    var norms = Object.keys(storm.norms_in_effect_h || {}).map(function (k) {
      return 'класс ' + k + ' — ' + F.numberFmt.format(storm.norms_in_effect_h[k]) + ' ч';
    }).join(', ');
    q('[data-storm-times]').textContent = 'Начало ' + T.format(storm.started_at) +
      (storm.snowfall_ended_at ? '; снегопад кончился ' + T.format(storm.snowfall_ended_at)
        : '; снегопад ещё идёт') + '. Нормативы: ' + norms + '.';
  }

  var rounds = 0;
  function refresh(stormId) {
    var base = config.stormsUrl + '/' + stormId;
    rounds += 1;
    P.getJSON(base + '/clock').then(function (doc) {
      P.say(statusNode, 'ok', '');
      showStorm(doc.storm);
      drawMap(doc);
      drawLegend(doc);
      drawTable(doc);
      q('[data-generated]').textContent = T.format(doc.generated_at, true);
      panel.dataset.loaded = 'clock';
    }).catch(function (e) {
      P.say(statusNode, 'error', 'Не удалось получить сроки: ' + (e.message || e));
    });
    if (rounds % 10 === 1) {  /* every tenth round: it reads every fix of the storm */
      P.getJSON(base + '/completeness').then(drawCompleteness).catch(function () {
        q('[data-completeness] tbody').textContent = '';
      });
    }
    P.getJSON(base + '/transit').then(drawTransit).catch(function () {
      transit.clearLayers();
    });
  }

  function begin(stormId) {
    refresh(stormId);
    P.getJSON(config.stormsUrl + '/' + stormId + '/plan').then(drawPlan).catch(function (e) {
      q('[data-plan-summary]').textContent = 'Проверка плана не удалась: ' + (e.message || e);
    });
    window.setInterval(function () { refresh(stormId); }, config.refreshS * 1000);
  }

  var wanted = P.params().id;
  if (wanted) {
    begin(wanted);
  } else {
    P.getJSON(config.stormsUrl).then(function (storms) {
      var open = TL.openStorm(storms, T);
      if (!open) {
        P.say(statusNode, 'info', 'Сейчас нет объявленного снегопада. Объявить: «Снегопады».');
        panel.dataset.loaded = 'none';
        return;
      }
      begin(open.id);
    }).catch(function (e) {
      P.say(statusNode, 'error', 'Не удалось получить снегопады: ' + (e.message || e));
    });
  }
  return {refresh: refresh};
}

P.startMapPanel('.gd-storm-room', start);
