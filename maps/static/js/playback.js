/*
 * glonass-dispatch: track playback (maps/pages/playback.py renders the page).
 *
 *   (starts itself on its side panel, .gd-playback, with the settings of its data-config)
 *
 * Pick a vehicle and a window (typed in the city's time), fetch its track, draw it with
 * track.js (stretches solid, data gaps dashed) and move a marker along it with a slider or
 * the play button. The slider spans the first to the last fix; inside a gap the marker waits at
 * the last fix and the readout says there was no data. The line is coloured by the equipment's
 * state or by speed (a switch), and the stops and trips the server found are listed; a row
 * moves the slider to its start.
 */
import * as P from './pages.js';
import * as F from './formats.js';
import {el} from './dom.js';
import * as track from './track.js';
import './neutral_basemap.js';


function start(config, map, panel) {
  var T = F.time(config.timeZone);
  var q = function (sel) { return panel.querySelector(sel); };
  var trackLayer = L.featureGroup().addTo(map);
  var state = {vehicles: {}, drawn: null, vehicle: null, t: 0, playing: false, last: 0,
    request: 0, marker: null, window: null, data: null, colourBy: 'equipment'};
  var LEG_LABELS = {stop: 'Стоянка', trip: 'Поездка', silence: 'Нет данных'};
  var status = q('[data-status]'), slider = q('[data-slider]');
  P.scale(map, 'bottomleft');

  function kindStyle(kind) {
    return P.own(config.kinds, kind) ? config.kinds[kind] : config.kinds[config.fallbackKind];
  }

  /* ----------------------------------------------------------------- vehicle list */

  function loadVehicles(selected) {
    return P.getJSON(config.vehiclesUrl).then(function (data) {
      var select = q('[data-vehicle]'), groups = {};
      (data.features || []).forEach(function (f) {
        var p = f.properties || {};
        state.vehicles[String(p.id)] = p;
        var kind = P.own(config.kinds, p.kind) ? p.kind : config.fallbackKind;
        (groups[kind] = groups[kind] || []).push(p);
      });
      Object.keys(config.kinds).forEach(function (kind) {
        if (!groups[kind]) { return; }
        var og = el('optgroup');
        og.label = config.kinds[kind].groupLabel;
        groups[kind].sort(function (a, b) {
          return String(a.name).localeCompare(String(b.name), 'ru', {numeric: true});
        }).forEach(function (p) {
          var o = el('option', null, (p.name || ('№ ' + p.id)) + (p.plate ? ' · ' + p.plate : ''));
          o.value = String(p.id);
          og.appendChild(o);
        });
        select.appendChild(og);
      });
      if (selected && !state.vehicles[selected]) {
        var o = el('option', null, 'машина № ' + selected);
        o.value = selected;
        select.appendChild(o);
      }
      if (selected) { select.value = selected; }
    }, function (err) {
      P.say(status, 'error', 'Список машин не загрузился: ' + (err.message || err));
    });
  }

  /* ------------------------------------------------------------------- window */

  var period = P.timeWindow(panel, T, function () {
    if (q('[data-vehicle]').value) { show(); }
  });

  function trackUrl(id, w, format) {
    return config.trackUrl.replace('{id}', encodeURIComponent(id)) + '?from=' +
      encodeURIComponent(T.iso(w.from)) + '&to=' + encodeURIComponent(T.iso(w.to)) +
      (format ? '&format=' + format : '');
  }

  /* ---------------------------------------------------------------------- show */

  function show() {
    var id = q('[data-vehicle]').value;
    var w = period.get();
    if (!id) { P.say(status, 'error', 'Выберите машину.'); return; }
    if (w.from === null || w.to === null) {
      P.say(status, 'error', 'Укажите начало и конец периода.');
      return;
    }
    if (w.from >= w.to) { P.say(status, 'error', 'Начало должно быть раньше конца.'); return; }
    pause();
    var req = state.request += 1;
    P.say(status, 'busy', 'Загрузка трека…');
    P.getJSON(trackUrl(id, w)).then(function (data) {
      if (req !== state.request) { return; }
      state.vehicle = id;
      state.window = w;
      state.data = data;
      draw(data, true);
      remember(id, w);
    }, function (err) {
      if (req !== state.request) { return; }
      P.say(status, 'error', err.status === 404 ? 'Такой машины нет.' : 'Трек не загрузился: ' +
        (err.message || err));
    });
  }

  function remember(id, w) {
    if (!window.history || !window.history.replaceState) { return; }
    var params = new URLSearchParams({vehicle: id, from: T.iso(w.from), to: T.iso(w.to)});
    window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
  }

  function vehicleIcon(p, fix, gap) {
    var root = el('div', 'gd-vehicle gd-playback-vehicle' + (gap ? ' gd-offline' : ''));
    root.style.setProperty('--gd-colour', kindStyle(p.kind).colour);
    root.style.setProperty('--gd-offline-opacity', config.offlineOpacity);
    var svg = P.svgEl('svg', {viewBox: '0 0 28 28', width: 28, height: 28, 'aria-hidden': 'true'});
    svg.appendChild(P.svgEl('circle', {cx: 14, cy: 14, r: 11, 'class': 'gd-disc'}));
    if (fix && fix.speed >= 1 && !gap) {
      svg.appendChild(P.svgEl('path', {d: 'M14 5.5 L19.5 19.5 L14 16.2 L8.5 19.5 Z',
        'class': 'gd-arrow', transform: 'rotate(' + Math.round(fix.course) + ' 14 14)'}));
    } else {
      svg.appendChild(P.svgEl('circle', {cx: 14, cy: 14, r: 3.5, 'class': 'gd-arrow'}));
    }
    root.appendChild(svg);
    return L.divIcon({className: 'gd-vehicle-icon', html: root, iconSize: [28, 28],
      iconAnchor: [14, 14]});
  }

  /* ------------------------------------------------------------- colouring */

  function speedBand(speed) {
    var bands = config.speedBands;
    for (var i = 0; i < bands.length; i += 1) {
      if (bands[i].below === null || speed < bands[i].below) { return bands[i]; }
    }
    return bands[bands.length - 1];
  }
  function equipmentKey(fix) {
    return fix.equipment === true ? 'on' : (fix.equipment === false ? 'off' : 'unknown');
  }
  function colourOf(fix) {
    return state.colourBy === 'speed' ? speedBand(fix.speed).colour
      : config.equipmentColours[equipmentKey(fix)];
  }
  function equipmentWords() {
    return state.data && state.data.equipment_words ||
      {on: 'работает', off: 'выключено', unknown: 'нет данных'};
  }

  /* The key under the switch: what each colour of the line means right now. */
  function trackKey() {
    var box = q('[data-track-key]'), words = equipmentWords();
    var entries = state.colourBy === 'speed'
      ? config.speedBands.map(function (b) { return [b.colour, b.label]; })
      : ['on', 'off', 'unknown'].map(function (k) {
        return [config.equipmentColours[k], words[k]];
      });
    box.textContent = '';
    entries.forEach(function (entry) {
      var item = el('span', 'gd-track-key-item');
      var swatch = el('span', 'gd-track-key-swatch');
      swatch.style.background = entry[0];
      item.appendChild(swatch);
      item.appendChild(el('span', null, entry[1]));
      box.appendChild(item);
    });
  }

  panel.querySelectorAll('[data-colour-by]').forEach(function (b) {
    b.addEventListener('click', function () {
      state.colourBy = b.getAttribute('data-colour-by');
      panel.querySelectorAll('[data-colour-by]').forEach(function (other) {
        other.setAttribute('aria-pressed', String(other === b));
      });
      if (state.data) {
        draw(state.data, false);
        slider.value = String(state.t);
        seek(state.t);
      }
    });
  });

  /* -------------------------------------------------------- stops and trips */

  function legs(list) {
    var section = q('[data-legs-section]'), body = q('[data-legs] tbody');
    body.textContent = '';
    section.hidden = !list.length;
    list.forEach(function (leg) {
      var tr = el('tr', 'gd-leg gd-leg-' + leg.kind);
      tr.setAttribute('data-leg', leg.kind);
      tr.tabIndex = 0;
      tr.appendChild(el('td', 'gd-leg-kind', LEG_LABELS[leg.kind] || leg.kind));
      tr.appendChild(el('td', null, T.format(leg.start)));
      tr.appendChild(el('td', null, F.duration(leg.duration_s)));
      tr.appendChild(el('td', null, leg.kind === 'trip' ? F.km(leg.distance_m) : '—'));
      function go() {
        var t = T.ms(leg.start);
        pause();
        slider.value = String(t);
        seek(Number(slider.value));
      }
      tr.addEventListener('click', go);
      tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') { go(); } });
      body.appendChild(tr);
    });
  }

  /* ------------------------------------------------------------------ draw */

  function draw(data, fit) {
    trackLayer.clearLayers();
    state.marker = null;
    var p = state.vehicles[state.vehicle] || {id: state.vehicle, kind: config.fallbackKind};
    var drawn = track.draw(trackLayer, data, {colourOf: colourOf,
      clock: function (t) { return T.format(t, true); }});
    state.drawn = drawn;
    var player = q('[data-player]'), downloads = q('[data-downloads]');
    downloads.hidden = false;
    ['geojson', 'gpx', 'csv'].forEach(function (f) {
      var a = q('[data-download="' + f + '"]');
      a.href = trackUrl(state.vehicle, state.window, f === 'geojson' ? null : f);
      a.setAttribute('download', 'track-' + state.vehicle + '.' + f);
    });
    legs(data.legs || []);
    if (!drawn.fixes.length) {
      player.hidden = true;
      P.say(status, 'warn', 'За этот период от машины «' + (p.name || state.vehicle) +
        '» нет ни одной отметки.');
      return;
    }
    P.say(status, 'ok', '');
    status.hidden = true;
    player.hidden = false;
    summary(p, drawn);
    trackKey();
    var first = drawn.fixes[0].t, last = drawn.fixes[drawn.fixes.length - 1].t;
    slider.min = String(first);
    slider.max = String(Math.max(last, first + 1000));
    slider.value = String(first);
    state.marker = L.marker(drawn.fixes[0].latlng, {icon: vehicleIcon(p, drawn.fixes[0], false),
      zIndexOffset: 1000, keyboard: false}).addTo(trackLayer);
    seek(first);
    if (fit) { map.fitBounds(drawn.bounds.pad(0.05), {maxZoom: 16}); }
  }

  function summary(p, drawn) {
    var dl = q('[data-summary]'), gapS = 0;
    drawn.gaps.forEach(function (g) { gapS += g.seconds; });
    dl.textContent = '';
    [['Машина', (p.name || ('№ ' + p.id)) + (p.plate ? ' · ' + p.plate : '')],
      ['Отметок', String(drawn.fixes.length)],
      ['Пробег', F.km(drawn.lengthM)],
      ['Разрывов', drawn.gaps.length ? drawn.gaps.length + ' (нет данных ' +
        F.duration(gapS) + ')' : 'нет'],
      ['Первая', T.format(drawn.fixes[0].t, true)],
      ['Последняя', T.format(drawn.fixes[drawn.fixes.length - 1].t, true)]]
      .forEach(function (row) {
        dl.appendChild(el('dt', null, row[0]));
        var dd = el('dd', null, row[1]);
        dd.setAttribute('data-fact', row[0]);
        dl.appendChild(dd);
      });
  }

  function seek(t) {
    if (!state.drawn || !state.drawn.fixes.length) { return; }
    state.t = t;
    var at = track.positionAt(state.drawn.fixes, t);
    var p = state.vehicles[state.vehicle] || {kind: config.fallbackKind};
    q('[data-clock]').textContent = T.format(t, true);
    if (!at) { return; }
    state.marker.setLatLng(at.latlng);
    var key = [at.gap, at.fix.speed >= 1, Math.round(at.fix.course / 5)].join('|');
    if (key !== state.marker._gdKey) {
      state.marker._gdKey = key;
      state.marker.setIcon(vehicleIcon(p, at.fix, at.gap));
    }
    var rows = at.gap ? [['Связь', 'нет данных — машина молчала'],
      ['Последняя отметка', T.format(at.fix.t, true)]]
      : [['Скорость', Math.round(at.fix.speed) + ' км/ч'],
        ['Курс', Math.round(at.fix.course) + '°'],
        ['Оборудование', equipmentWords()[equipmentKey(at.fix)]],
        ['Отметка', T.format(at.fix.t, true) + (at.fix.valid ? '' : ', координаты не достоверны')]];
    var table = q('[data-readout]');
    table.textContent = '';
    table.classList.toggle('gd-readout-gap', at.gap);
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('th', null, r[0]));
      tr.appendChild(el('td', null, r[1]));
      table.appendChild(tr);
    });
  }

  slider.addEventListener('input', function () { seek(Number(slider.value)); });

  /* ------------------------------------------------------------------------ play */

  function frame(now) {
    if (!state.playing) { return; }
    var dt = state.last ? now - state.last : 0;
    state.last = now;
    var next = state.t + dt * Number(q('[data-speed]').value);
    if (next >= Number(slider.max)) {
      next = Number(slider.max);
      pause();
    }
    slider.value = String(next);
    seek(next);
    if (state.playing) { window.requestAnimationFrame(frame); }
  }
  function play() {
    if (!state.drawn || !state.drawn.fixes.length) { return; }
    if (state.t >= Number(slider.max)) { state.t = Number(slider.min); }
    state.playing = true;
    state.last = 0;
    q('[data-play]').textContent = '❚❚ Пауза';
    window.requestAnimationFrame(frame);
  }
  function pause() {
    state.playing = false;
    q('[data-play]').textContent = '▶ Воспроизвести';
  }
  q('[data-play]').addEventListener('click', function () {
    if (state.playing) { pause(); } else { play(); }
  });
  q('[data-show]').addEventListener('click', show);
  q('[data-vehicle]').addEventListener('change', function () {
    if (q('[data-vehicle]').value) { show(); }
  });

  /* ------------------------------------------------------------------------- go */

  var params = P.params();
  period.open(T.ms(params.from), T.ms(params.to), config.defaultHours);
  loadVehicles(params.vehicle || null).then(function () {
    if (params.vehicle) { show(); }
  });
  return {show: show, seek: seek, play: play, pause: pause, state: state};
}

P.startMapPanel('.gd-playback', start);
