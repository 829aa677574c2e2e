/*
 * glonass-dispatch: the dispatcher's live map in the browser.
 *
 * maps/live_map.py renders a folium page that calls into this file:
 *   var fleet = GlonassLiveMap.fleet(config, {plow: featureGroup, ...});
 *   L.realtime(fleet.source, {pointToLayer: fleet.pointToLayer,
 *                             updateFeature: fleet.updateFeature,
 *                             container: fleet.container, ...});
 *   var context = GlonassLiveMap.context(config, map, {routes: group, marks: group});
 *   fleet.attachPanel(map, realtime, panelElement); context.attachPanel(panelElement);
 *   GlonassLiveMap.neutralBasemap(map);   // only when there is no tile layer
 * Vehicles come every few seconds; routes and marks (the context a dispatcher reads them
 * against) change rarely and are refreshed on their own slower clock.
 * Colours and labels come from maps/styles.py through `config`, so this file holds behaviour only.
 * Names and texts come from the database and terminals: they are only ever set as text, never
 * HTML.
 */
(function (global) {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MOVING_KMH = 1;  // below this a fix is "standing": GNSS noise makes 0 rare

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  /* GET a GeoJSON FeatureCollection. It revalidates with the server (ETag) rather than
     defeating caches with a timestamp, and treats an HTTP error as an error. */
  function fetchFeatures(url) {
    return fetch(url, {
      cache: 'no-cache', credentials: 'same-origin',
      headers: {Accept: 'application/geo+json, application/json'}
    }).then(function (response) {
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      return response.json();
    }).then(function (data) {
      if (!data || !Array.isArray(data.features)) { throw new Error('ответ без features'); }
      return data;
    });
  }

  /* Leaflet's scale bar with Russian units (its own says "m" and "km"). */
  var RussianScale = L.Control.Scale.extend({
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var label = meters < 1000 ? meters + ' м' : (meters / 1000) + ' км';
      this._updateScale(this._mScale, label, meters / maxMeters);
    }
  });

  function fleet(config, groups) {
    var kinds = config.kinds;
    var timeFmt = new Intl.DateTimeFormat('ru-RU', {
      timeZone: config.timeZone, day: '2-digit', month: '2-digit', year: 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit'
    });
    var clockFmt = new Intl.DateTimeFormat('ru-RU', {
      timeZone: config.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit'
    });

    function kindOf(props) {
      return Object.prototype.hasOwnProperty.call(kinds, props.kind) ? props.kind
        : config.fallbackKind;
    }

    function isMoving(props) { return Number(props.speed_kmh) >= MOVING_KMH; }

    /* Seconds since the last fix: the server's age at the last poll when it sends one (no
       clock skew between server and PC), else from the fix time. */
    function ageS(props) {
      if (typeof props.age_s === 'number' && isFinite(props.age_s)) { return props.age_s; }
      var t = Date.parse(props.fix_time);
      return isNaN(t) ? 0 : (Date.now() - t) / 1000;
    }

    /* Online by the server's rule but silent for a while: still drawn, with a dotted rim. */
    function isStale(props) {
      return props.online !== false && config.staleAfterS > 0 && ageS(props) > config.staleAfterS;
    }

    /* The marker: a disc in the kind's colour, a white arrow along the course when moving or a
       dot when standing; ring = equipment on; faded = offline. Built as DOM, not HTML text. */
    function iconElement(props) {
      var root = el('div', 'gd-vehicle');
      root.style.setProperty('--gd-colour', kinds[kindOf(props)].colour);
      root.style.setProperty('--gd-working', config.workingColour);
      root.style.setProperty('--gd-offline-opacity', config.offlineOpacity);
      if (props.equipment_active === true) { root.classList.add('gd-working'); }
      if (props.online === false) { root.classList.add('gd-offline'); }
      if (isStale(props)) { root.classList.add('gd-stale'); }
      root.setAttribute('data-vehicle-id', props.id);
      root.setAttribute('data-kind', kindOf(props));
      var svg = svgEl('svg', {viewBox: '0 0 28 28', width: 28, height: 28, 'aria-hidden': 'true'});
      svg.appendChild(svgEl('circle', {cx: 14, cy: 14, r: 11, 'class': 'gd-disc'}));
      if (isMoving(props)) {
        svg.appendChild(svgEl('path', {
          d: 'M14 5.5 L19.5 19.5 L14 16.2 L8.5 19.5 Z', 'class': 'gd-arrow',
          transform: 'rotate(' + (Number(props.course_deg) || 0) + ' 14 14)'
        }));
      } else {
        svg.appendChild(svgEl('circle', {cx: 14, cy: 14, r: 3.5, 'class': 'gd-arrow'}));
      }
      root.appendChild(svg);
      return root;
    }

    function iconKey(props) {
      return [kindOf(props), props.equipment_active, props.online, isMoving(props),
        Math.round(Number(props.course_deg) || 0), isStale(props)].join('|');
    }

    function makeIcon(props) {
      return L.divIcon({
        className: 'gd-vehicle-icon', html: iconElement(props),
        iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14], tooltipAnchor: [0, -14]
      });
    }

    function formatTime(iso) {
      var t = Date.parse(iso);
      return isNaN(t) ? '—' : timeFmt.format(new Date(t)).replace(',', '');
    }

    function formatAge(iso) {
      var t = Date.parse(iso);
      if (isNaN(t)) { return ''; }
      var minutes = Math.floor((Date.now() - t) / 60000);
      if (minutes < 1) { return 'только что'; }
      if (minutes < 60) { return minutes + ' мин назад'; }
      if (minutes < 48 * 60) {
        return Math.floor(minutes / 60) + ' ч ' + (minutes % 60) + ' мин назад';
      }
      return Math.floor(minutes / 1440) + ' сут назад';
    }

    function equipmentText(active) {
      if (active === true) { return 'работает'; }
      if (active === false) { return 'выключено'; }
      return 'нет данных';
    }

    function popupContent(layer) {
      var p = layer.feature.properties;
      var style = kinds[kindOf(p)];
      var box = el('div', 'gd-popup');
      var title = el('div', 'gd-popup-title');
      var swatch = el('span', 'gd-swatch');
      swatch.style.setProperty('--gd-colour', style.colour);
      title.appendChild(swatch);
      title.appendChild(el('span', null, p.name || ('№ ' + p.id)));
      box.appendChild(title);
      box.appendChild(el('div', 'gd-popup-kind', style.label + (p.plate ? ' · ' + p.plate : '')));
      var rows = [
        ['Скорость', Math.round(Number(p.speed_kmh) || 0) + ' км/ч' +
          (isMoving(p) ? ', курс ' + Math.round(Number(p.course_deg) || 0) + '°' : ', стоит')],
        ['Оборудование', equipmentText(p.equipment_active)],
        ['Последняя отметка', formatTime(p.fix_time)],
        ['', formatAge(p.fix_time)],
        ['Связь', p.online === false ? 'нет связи'
          : (isStale(p) ? 'нет свежих отметок' : 'на линии')]
      ];
      if (p.contractor) { rows.push(['Подрядчик', p.contractor]); }
      if (p.terminals && p.terminals.length) { rows.push(['Терминал', p.terminals.join(', ')]); }
      var table = el('table', 'gd-popup-table');
      rows.forEach(function (row) {
        var tr = el('tr');
        tr.appendChild(el('th', null, row[0]));
        var td = el('td', null, row[1]);
        if (row[0] === 'Оборудование') { td.setAttribute('data-equipment', String(p.equipment_active)); }
        if (row[0] === 'Последняя отметка') { td.setAttribute('data-fix-time', ''); }
        if (row[0] === 'Связь' && p.online === false) { td.className = 'gd-offline-text'; }
        tr.appendChild(td);
        table.appendChild(tr);
      });
      box.appendChild(table);
      if (config.trackUrl) { box.appendChild(trackActions(layer, p)); }
      return box;
    }

    /* --- the last hour's track, from the popup --- */

    var track = {group: null, id: null, note: {}};

    function trackActions(layer, p) {
      var actions = el('div', 'gd-popup-actions');
      var shown = track.id === String(p.id);
      var button = el('button', 'gd-popup-button', shown ? 'Скрыть трек' : 'Трек за последний час');
      button.type = 'button';
      button.setAttribute('data-track-button', String(p.id));
      button.addEventListener('click', function () { toggleTrack(layer, p, button); });
      actions.appendChild(button);
      if (config.playbackUrl) {
        var link = el('a', 'gd-popup-link', 'в проигрыватель');
        var now = Date.now();
        link.href = config.playbackUrl + '?vehicle=' + encodeURIComponent(p.id) + '&from=' +
          encodeURIComponent(new Date(now - 3600000).toISOString()) + '&to=' +
          encodeURIComponent(new Date(now).toISOString());
        actions.appendChild(link);
      }
      var note = el('div', 'gd-popup-note', shown ? track.note[String(p.id)] || '' : '');
      note.setAttribute('data-track-note', '');
      actions.appendChild(note);
      return actions;
    }

    function clearTrack() {
      if (track.group) { track.group.clearLayers(); }
      track.id = null;
    }

    function toggleTrack(layer, p, button) {
      var map = layer._map, id = String(p.id);
      if (!map || !global.GlonassTrack) { return; }
      var note = button.parentNode.querySelector('[data-track-note]');
      if (track.id === id) {
        clearTrack();
        button.textContent = 'Трек за последний час';
        note.textContent = '';
        return;
      }
      if (!track.group) { track.group = L.featureGroup().addTo(map); }
      var now = Date.now();
      var url = config.trackUrl.replace('{id}', encodeURIComponent(id)) + '?from=' +
        encodeURIComponent(new Date(now - 3600000).toISOString()) + '&to=' +
        encodeURIComponent(new Date(now).toISOString());
      button.disabled = true;
      note.textContent = 'Загрузка трека…';
      fetchFeatures(url).then(function (data) {
        clearTrack();
        var drawn = global.GlonassTrack.draw(track.group, data, {colour: kinds[kindOf(p)].colour,
          clock: function (t) { return clockFmt.format(new Date(t)); }});
        track.id = id;
        track.note[id] = drawn.fixes.length ? 'За час: отметок ' + drawn.fixes.length + ', ' +
          (drawn.lengthM / 1000).toFixed(1).replace('.', ',') + ' км' +
          (drawn.gaps.length ? ', разрывов в данных ' + drawn.gaps.length : '')
          : 'За последний час отметок нет';
        note.textContent = track.note[id];
        button.textContent = 'Скрыть трек';
        if (drawn.fixes.length && !map.getBounds().contains(drawn.bounds)) {
          map.fitBounds(drawn.bounds.extend(layer.getLatLng()), {padding: [40, 40],
            maxZoom: map.getZoom()});
        }
      }, function (err) {
        note.textContent = 'Трек не загрузился: ' + (err && err.message || err);
      }).then(function () { button.disabled = false; });
    }

    function tooltipContent(layer) {
      var p = layer.feature.properties;
      return el('span', null, (p.name || ('№ ' + p.id)) + ' · ' + kinds[kindOf(p)].label);
    }

    /* Routes each vehicle into its kind's FeatureGroup, so the layer control can hide a kind.
       It only has to look like a layer group to leaflet-realtime (addLayer/removeLayer); the
       groups themselves are on the map, so adding the router adds nothing. */
    var NO_CONTRACTOR = '\u0000';
    function contractorOf(props) { return props.contractor ? String(props.contractor) : NO_CONTRACTOR; }

    /* It also applies the contractor filter: a filtered-out vehicle stays known (and counted)
       but is not in its group, so it is not drawn. */
    var Router = L.Layer.extend({
      initialize: function () { this._all = {}; this.contractor = ''; },
      onAdd: function () {},
      onRemove: function () {},
      groupFor: function (layer) {
        return groups[kindOf(layer.feature.properties)] || groups[config.fallbackKind];
      },
      passes: function (layer) {
        return !this.contractor || contractorOf(layer.feature.properties) === this.contractor;
      },
      place: function (layer) {
        if (this.passes(layer)) { layer._gdGroup.addLayer(layer); }
        else { layer._gdGroup.removeLayer(layer); }
      },
      addLayer: function (layer) {
        layer._gdGroup = this.groupFor(layer);
        this._all[L.stamp(layer)] = layer;
        this.place(layer);
        return this;
      },
      removeLayer: function (layer) {
        if (layer) { delete this._all[L.stamp(layer)]; }
        if (layer && layer._gdGroup) { layer._gdGroup.removeLayer(layer); }
        return this;
      },
      filter: function (contractor) {
        var self = this;
        this.contractor = contractor || '';
        Object.keys(this._all).forEach(function (k) { self.place(self._all[k]); });
      },
      getBounds: function () {
        var bounds = L.latLngBounds([]);
        Object.keys(groups).forEach(function (k) {
          groups[k].eachLayer(function (l) { bounds.extend(l.getLatLng()); });
        });
        return bounds;
      }
    });
    var container = new Router();

    function zIndexFor(props) {
      return (props.online === false ? 0 : 500) + (props.equipment_active === true ? 250 : 0);
    }

    function pointToLayer(feature, latlng) {
      var marker = L.marker(latlng, {
        icon: makeIcon(feature.properties), riseOnHover: true,
        zIndexOffset: zIndexFor(feature.properties), keyboard: true
      });
      marker.feature = feature;
      marker._gdIconKey = iconKey(feature.properties);
      marker.bindPopup(popupContent, {className: 'gd-leaflet-popup', minWidth: 220, maxWidth: 320});
      marker.bindTooltip(tooltipContent, {direction: 'top', className: 'gd-tooltip'});
      // One label at a time: the hover tooltip gives way to the popup (Leaflet also opens
      // tooltips on click, after the popup's own click handler).
      marker.on('popupopen', function () { marker.closeTooltip(); });
      marker.on('tooltipopen', function () { if (marker.isPopupOpen()) { marker.closeTooltip(); } });
      return marker;
    }

    /* Called on every poll for a vehicle we already show: move it and restyle it only if
       something visible changed, so an open popup or a hover survives the update. */
    function updateFeature(feature, layer) {
      if (!layer) { return null; }
      if (!feature.geometry || feature.geometry.type !== 'Point') { return null; }
      var props = feature.properties;
      var oldKind = layer.feature && kindOf(layer.feature.properties);
      layer.feature = feature;
      if (oldKind !== kindOf(props) && layer._gdGroup) {
        container.removeLayer(layer);
        container.addLayer(layer);
      } else if (layer._gdGroup) {
        container.place(layer);
      }
      layer.setLatLng(L.GeoJSON.coordsToLatLng(feature.geometry.coordinates));
      var key = iconKey(props);
      if (key !== layer._gdIconKey) {
        layer._gdIconKey = key;
        layer.setIcon(makeIcon(props));
        layer.setZIndexOffset(zIndexFor(props));
      }
      if (layer.isPopupOpen()) { layer.getPopup().update(); }
      return layer;
    }

    function featureId(feature) { return feature.properties.id; }

    /* Our own fetch instead of leaflet-realtime's: see fetchFeatures. */
    function source(success, error) {
      fetchFeatures(config.apiUrl).then(success, function (err) {
        error(err, String(err && err.message || err));
      });
    }

    /* The bottom-left panel: legend (rendered by Python) plus live counts and the poll status. */
    function attachPanel(map, realtime, panel) {
      var Panel = L.Control.extend({
        options: {position: 'bottomleft'},
        onAdd: function () {
          panel.hidden = false;
          L.DomEvent.disableClickPropagation(panel);
          L.DomEvent.disableScrollPropagation(panel);
          return panel;
        }
      });
      new Panel().addTo(map);
      new RussianScale({imperial: false, position: 'bottomleft'}).addTo(map);
      // Leaflet credit without the flag icon its default prefix carries.
      if (map.attributionControl) {
        map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      }
      var status = panel.querySelector('[data-live-status]');
      var filterRow = panel.querySelector('[data-contractor-filter-row]');
      var filterSelect = panel.querySelector('[data-contractor-filter]');
      var knownContractors = '';
      if (filterSelect) {
        filterSelect.addEventListener('change', function () { container.filter(filterSelect.value); });
      }

      /* The contractor list follows the fleet; the chosen one stays chosen. */
      function contractorOptions(features) {
        if (!filterSelect) { return; }
        var seen = {};
        Object.keys(features).forEach(function (id) {
          seen[contractorOf(features[id].properties)] = true;
        });
        var names = Object.keys(seen).filter(function (c) { return c !== NO_CONTRACTOR; }).sort();
        var key = names.join('\n') + (seen[NO_CONTRACTOR] ? '\n-' : '');
        if (key === knownContractors) { return; }
        knownContractors = key;
        var chosen = filterSelect.value;
        filterSelect.textContent = '';
        var options = [['', 'все']].concat(names.map(function (c) { return [c, c]; }));
        if (seen[NO_CONTRACTOR] && names.length) { options.push([NO_CONTRACTOR, 'без подрядчика']); }
        options.forEach(function (o) {
          var option = el('option', null, o[1]);
          option.value = o[0];
          filterSelect.appendChild(option);
        });
        filterSelect.value = options.some(function (o) { return o[0] === chosen; }) ? chosen : '';
        if (filterSelect.value !== chosen) { container.filter(''); }
        filterRow.hidden = names.length === 0;
      }

      realtime.on('update', function (e) {
        contractorOptions(e.features);
        var total = 0, online = 0, working = 0, perKind = {};
        Object.keys(e.features).forEach(function (id) {
          var p = e.features[id].properties, k = kindOf(p);
          perKind[k] = perKind[k] || {total: 0, online: 0};
          perKind[k].total += 1;
          total += 1;
          if (p.online !== false) { online += 1; perKind[k].online += 1; }
          if (p.equipment_active === true) { working += 1; }
        });
        panel.querySelectorAll('[data-kind-count]').forEach(function (node) {
          var c = perKind[node.getAttribute('data-kind-count')];
          node.textContent = c ? c.online + ' / ' + c.total : '—';
        });
        status.className = 'gd-status';
        status.textContent = 'Обновлено ' + clockFmt.format(new Date()) + ' · машин ' + total +
          ', на линии ' + online + ', в работе ' + working +
          (container.contractor ? ' · показан подрядчик: ' + (container.contractor === NO_CONTRACTOR
            ? 'без подрядчика' : container.contractor) : '');
      });
      realtime.on('error', function (e) {
        status.className = 'gd-status gd-status-error';
        status.textContent = 'Нет данных с сервера (' + (e.message || 'ошибка') + '), ' +
          clockFmt.format(new Date()) + '. Показано последнее известное положение.';
      });
    }

    return {
      source: source, pointToLayer: pointToLayer, updateFeature: updateFeature,
      featureId: featureId, container: container, attachPanel: attachPanel
    };
  }

  /* ------------------------------------------------------------------------------------------
   * Context layers: clearing routes and marks, below the vehicles.
   * ---------------------------------------------------------------------------------------- */

  // Panes put the context under the vehicles (markerPane is 600) whatever order layers are
  // added or switched on in: routes under everything else drawn, marks above routes.
  var ROUTES_PANE = 'gdRoutes', ARROWS_PANE = 'gdRouteArrows', MARKS_PANE = 'gdMarks';
  var PANE_Z = {gdRoutes: 350, gdRouteArrows: 360, gdMarks: 450};

  function ensurePane(map, name) {
    var pane = map.getPane(name) || map.createPane(name);
    pane.style.zIndex = String(PANE_Z[name]);
    return pane;
  }

  function own(obj, key) {
    return obj !== null && obj !== undefined && key !== null && key !== undefined &&
      Object.prototype.hasOwnProperty.call(obj, key);
  }

  function parseTime(iso) {
    if (iso === null || iso === undefined || iso === '') { return null; }
    var t = Date.parse(iso);
    return isNaN(t) ? null : t;
  }

  /* Lines as lists of parts (a LineString is one part), or null for other geometry. */
  function lineParts(geometry) {
    if (!geometry) { return null; }
    if (geometry.type === 'LineString') {
      return [L.GeoJSON.coordsToLatLngs(geometry.coordinates, 0)];
    }
    if (geometry.type === 'MultiLineString') {
      return L.GeoJSON.coordsToLatLngs(geometry.coordinates, 1);
    }
    return null;
  }

  /* Length of a line and a point at a fraction of it, with the heading there (degrees,
     clockwise from east, as CSS rotates). Measured on the map's plane: Web Mercator is
     conformal, so the heading is the one drawn at every zoom. */
  function measure(crs, latlngs) {
    var pts = latlngs.map(function (ll) { return crs.project(ll); });
    var lengths = [], total = 0;
    for (var i = 1; i < pts.length; i += 1) {
      var d = pts[i].distanceTo(pts[i - 1]);
      lengths.push(d);
      total += d;
    }
    function at(fraction) {
      var target = total * fraction;
      for (var j = 0; j < lengths.length; j += 1) {
        if (target <= lengths[j] || j === lengths.length - 1) {
          var a = pts[j], b = pts[j + 1], t = lengths[j] ? Math.min(1, target / lengths[j]) : 0;
          var p = L.point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
          // projected y grows northwards, screen y southwards
          var angle = Math.atan2(-(b.y - a.y), b.x - a.x) * 180 / Math.PI;
          return {latlng: crs.unproject(p), angle: angle};
        }
        target -= lengths[j];
      }
      return {latlng: latlngs[0], angle: 0};
    }
    return {length: total, at: at};
  }

  function longestPart(crs, parts) {
    var best = null, bestLength = -1;
    parts.forEach(function (part) {
      if (part.length < 2) { return; }
      var m = measure(crs, part);
      if (m.length > bestLength) { best = m; bestLength = m.length; }
    });
    return best;
  }

  function symbolElement(symbol, size) {
    var svg = svgEl('svg', {viewBox: '0 0 24 24', width: size, height: size,
      'class': 'gd-mark-symbol', 'aria-hidden': 'true'});
    symbol.forEach(function (part) {
      svg.appendChild(svgEl('path', {d: part.d, fill: part.fill, stroke: part.stroke,
        'stroke-width': part.strokeWidth}));
    });
    return svg;
  }

  function lineSwatch(colour, weight, dashed) {
    var svg = svgEl('svg', {viewBox: '0 0 24 10', width: 24, height: 10,
      'class': 'gd-line-swatch', 'aria-hidden': 'true'});
    svg.appendChild(svgEl('path', {d: 'M2 5H22', stroke: '#fff', 'stroke-width': weight + 3,
      'stroke-linecap': 'round'}));
    var line = {d: 'M2 5H22', stroke: colour, 'stroke-width': weight, 'stroke-linecap': 'round'};
    if (dashed) { line['stroke-dasharray'] = '5 3'; line['stroke-linecap'] = 'butt'; }
    svg.appendChild(svgEl('path', line));
    return svg;
  }

  function popupTable(rows) {
    var table = el('table', 'gd-popup-table');
    rows.forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('th', null, row[0]));
      var td = el('td', null, row[1]);
      if (row[2]) { td.className = row[2]; }
      tr.appendChild(td);
      table.appendChild(tr);
    });
    return table;
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

    /* One label at a time, as for vehicles: Leaflet opens the hover tooltip on click too,
       after the popup, so it is closed whenever the popup is open. */
    function closeTooltipUnderPopup(layer) {
      layer.on('popupopen', function () { layer.closeTooltip(); });
      layer.on('tooltipopen', function () { if (layer.isPopupOpen()) { layer.closeTooltip(); } });
    }

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

    // --- marks ---

    function markStyleOf(p) {
      return own(config.markLayers, p.layer) ? config.markLayers[p.layer]
        : config.fallbackMarkLayer;
    }

    function markLabel(p) {
      return own(config.markLayers, p.layer) ? config.markLayers[p.layer].label
        : config.fallbackMarkLayer.label + (p.layer ? ' (' + p.layer + ')' : '');
    }

    function statusLabel(p) {
      return own(config.markStatuses, p.status) ? config.markStatuses[p.status]
        : (p.status ? String(p.status) : '—');
    }

    /* Open and in progress, and inside its validity window: what a dispatcher acts on. */
    function isActive(p, now) {
      if (p.status === 'resolved') { return false; }
      var from = parseTime(p.valid_from), to = parseTime(p.valid_to);
      return (from === null || from <= now) && (to === null || to >= now);
    }

    function validityText(p) {
      var from = parseTime(p.valid_from), to = parseTime(p.valid_to), now = Date.now();
      var text;
      if (from === null && to === null) { return 'бессрочно'; }
      if (from !== null && to !== null) {
        text = 'с ' + formatTime(from) + ' до ' + formatTime(to);
      } else if (from !== null) {
        text = 'с ' + formatTime(from) + ', бессрочно';
      } else {
        text = 'до ' + formatTime(to);
      }
      if (to !== null && to < now) { text += ' (срок истёк)'; }
      else if (from !== null && from > now) { text += ' (ещё не наступил)'; }
      return text;
    }

    function markPopup(p) {
      var style = markStyleOf(p);
      var box = el('div', 'gd-popup gd-mark-popup');
      var title = el('div', 'gd-popup-title');
      title.appendChild(symbolElement(style.symbol, 18));
      title.appendChild(el('span', null, markLabel(p)));
      box.appendChild(title);
      if (p.text) { box.appendChild(el('div', 'gd-mark-text', p.text)); }
      var status = String(p.status || '').replace(/[^a-z_]/g, '');
      var rows = [
        ['Статус', statusLabel(p), 'gd-mark-status gd-mark-status-' + status],
        ['Действует', validityText(p)],
        ['Видимость', p.public === true ? config.visibility.public : config.visibility.internal]
      ];
      if (p.address) { rows.push(['Адрес', p.address]); }
      var updated = parseTime(p.updated_at);
      if (updated !== null) { rows.push(['Обновлена', formatTime(updated)]); }
      box.appendChild(popupTable(rows));
      return box;
    }

    function markIcon(p, style, active) {
      var root = el('div', 'gd-mark' + (active ? '' : ' gd-mark-inactive'));
      root.setAttribute('data-mark-id', String(p.id));
      root.setAttribute('data-mark-layer', String(p.layer));
      root.setAttribute('role', 'img');
      root.setAttribute('aria-label', markLabel(p) + ', ' + statusLabel(p));
      root.appendChild(symbolElement(style.symbol, 24));
      return L.divIcon({className: 'gd-mark-icon', html: root, iconSize: [24, 24],
        iconAnchor: [12, 12], popupAnchor: [0, -12], tooltipAnchor: [0, -12]});
    }

    /* A point mark is its symbol; a stretch of road is a translucent band in the layer's
       colour with the symbol at its middle; an area is a light dashed outline with the symbol
       at its centre. Resolved or out-of-window marks are faded. */
    function markLayer(feature) {
      var p = feature.properties || {}, g = feature.geometry;
      if (!g) { return null; }
      var style = markStyleOf(p), active = isActive(p, Date.now());
      var layer = L.featureGroup(), anchor = null;
      if (g.type === 'Point') {
        anchor = L.GeoJSON.coordsToLatLng(g.coordinates);
      } else {
        var parts = lineParts(g), shapes;
        if (parts) {
          shapes = [L.polyline(parts, {
            pane: MARKS_PANE, color: style.colour, weight: 10, opacity: active ? 0.4 : 0.18,
            lineCap: 'round', lineJoin: 'round', className: 'gd-mark-line'
          })];
        } else {
          // Unpacked rather than nested: Leaflet 1.9.3's tooltip code expects the group's
          // members to be single layers.
          shapes = L.geoJSON(g, {pane: MARKS_PANE, style: function () {
            return {color: style.colour, weight: 1.5, dashArray: '5 4', fillColor: style.colour,
              fillOpacity: active ? 0.12 : 0.05, opacity: active ? 0.9 : 0.4,
              className: 'gd-mark-area'};
          }}).getLayers();
        }
        if (!shapes.length) { return null; }
        var bounds = L.latLngBounds([]);
        shapes.forEach(function (shape) {
          layer.addLayer(shape);
          bounds.extend(shape.getBounds());
        });
        var longest = parts ? longestPart(crs, parts) : null;
        anchor = longest ? longest.at(0.5).latlng : bounds.getCenter();
      }
      layer.addLayer(L.marker(anchor, {icon: markIcon(p, style, active), pane: MARKS_PANE,
        zIndexOffset: active ? 0 : -1000, riseOnHover: true, keyboard: true}));
      layer.bindPopup(function () { return markPopup(p); },
        {className: 'gd-leaflet-popup', minWidth: 240, maxWidth: 340});
      layer.bindTooltip(function () {
        return el('span', null, markLabel(p) + ' · ' + statusLabel(p));
      }, {direction: 'top', className: 'gd-tooltip'});
      closeTooltipUnderPopup(layer);
      return layer;
    }

    // --- polling ---

    var panel = null;
    var fitted = !config.fitToRoutes;

    /* Keeps a group in step with a FeatureCollection: a feature whose JSON is unchanged keeps
       its layer (and any open popup), a changed one is redrawn, a missing one is removed. */
    function Feed(title, url, group, build, afterSync) {
      this.title = title;
      this.url = url;
      this.group = group;
      this.build = build;
      this.afterSync = afterSync;
      this.entries = {};
      this.features = [];
      this.loaded = false;
      this.error = null;
    }

    Feed.prototype.sync = function (data) {
      var self = this, seen = {};
      data.features.forEach(function (feature, index) {
        var p = feature.properties || {};
        var id = String(feature.id !== undefined && feature.id !== null ? feature.id
          : (p.id !== undefined && p.id !== null ? p.id : '#' + index));
        var key = JSON.stringify(feature);
        seen[id] = true;
        var old = self.entries[id];
        if (old && old.key === key) { return; }
        if (old) { self.group.removeLayer(old.layer); }
        var layer = null;
        try {
          layer = self.build(feature);
        } catch (err) {  // one malformed feature must not cost the dispatcher the whole layer
          if (global.console) { global.console.warn(self.title, id, err); }
        }
        if (layer) {
          self.entries[id] = {key: key, layer: layer};
          self.group.addLayer(layer);
        } else {
          delete self.entries[id];
        }
      });
      Object.keys(this.entries).forEach(function (id) {
        if (!seen[id]) {
          self.group.removeLayer(self.entries[id].layer);
          delete self.entries[id];
        }
      });
      this.features = data.features;
      this.loaded = true;
      this.error = null;
      if (this.afterSync) { this.afterSync(this); }
      renderPanel();
    };

    Feed.prototype.poll = function () {
      var self = this;
      fetchFeatures(this.url).then(function (data) { self.sync(data); }, function (err) {
        self.error = String(err && err.message || err);
        self.errorAt = Date.now();
        renderPanel();
      }).then(function () {
        self.timer = setTimeout(function () { self.poll(); }, config.refreshMs);
      });
    };

    /* Higher priority on top: redraw order after each change and when switched back on. */
    function orderRoutes(feed) {
      var layers = Object.keys(feed.entries).map(function (id) { return feed.entries[id].layer; });
      layers.sort(function (a, b) { return b._gdPriority - a._gdPriority; });
      layers.forEach(function (layer) { layer.bringToFront(); });
    }

    /* Controls in the corners cover the map; keep the city clear of them when there is room. */
    function fitToRoutes(feed) {
      var bounds = L.latLngBounds([]);
      Object.keys(feed.entries).forEach(function (id) {
        bounds.extend(feed.entries[id].layer.getBounds());
      });
      if (!bounds.isValid()) { return; }
      var container = map.getContainer(), size = map.getSize(), pad = 16;
      function cornerWidth(selector) {
        var corner = container.querySelector(selector);
        return corner ? corner.offsetWidth : 0;
      }
      var left = cornerWidth('.leaflet-bottom.leaflet-left');
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
      marks = new Feed('Отметки', config.marksUrl, groups.marks, markLayer, null);
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
          if (isActive(p, now)) { perLayer[p.layer] = (perLayer[p.layer] || 0) + 1; }
        });
        panel.querySelectorAll('[data-mark-count]').forEach(function (node) {
          var n = perLayer[node.getAttribute('data-mark-count')];
          node.textContent = marks.loaded && n ? String(n) : '—';
        });
      }
      var status = panel.querySelector('[data-context-status]');
      if (status) {
        var problems = feeds.filter(function (f) { return f.error; }).map(function (f) {
          return f.title + ': нет данных (' + f.error + ', ' + clockFmt.format(new Date(f.errorAt)) +
            ')' + (f.loaded ? ', показаны прежние' : '');
        });
        status.hidden = problems.length === 0;
        status.textContent = problems.join('. ');
      }
    }

    function attachPanel(panelElement) {
      panel = panelElement;
      renderPanel();
    }

    feeds.forEach(function (feed) { feed.poll(); });

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

  /* With no basemap, a faint grid that pans and zooms with the map, drawn locally (no request),
     so moving the map is visibly moving something. */
  function neutralBasemap(map) {
    map.getContainer().classList.add('gd-no-basemap');
    var Grid = L.GridLayer.extend({
      createTile: function () {
        var size = this.getTileSize(), ratio = window.devicePixelRatio || 1;
        var canvas = document.createElement('canvas');
        canvas.width = size.x * ratio;
        canvas.height = size.y * ratio;
        var ctx = canvas.getContext('2d');
        ctx.scale(ratio, ratio);
        ctx.lineWidth = 1;
        for (var i = 0; i < 4; i += 1) {
          var at = i * size.x / 4 + 0.5;
          ctx.strokeStyle = i === 0 ? 'rgba(60, 80, 100, 0.12)' : 'rgba(60, 80, 100, 0.05)';
          ctx.beginPath();
          ctx.moveTo(at, 0); ctx.lineTo(at, size.y);
          ctx.moveTo(0, at); ctx.lineTo(size.x, at);
          ctx.stroke();
        }
        return canvas;
      }
    });
    new Grid({zIndex: 0, updateWhenZooming: false, className: 'gd-grid'}).addTo(map);
  }

  global.GlonassLiveMap = {fleet: fleet, context: context, neutralBasemap: neutralBasemap};
}(window));
